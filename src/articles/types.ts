export type ArticleStatus = 'draft' | 'scheduled' | 'published';

export interface Named {
  slug: string;
  name: string;
}

export interface AuthorRef extends Named {
  bio?: string;
  photo_url?: string | null;
}

/** What every list of stories shows: headline, format, dek, byline(s) and published time. */
export interface ArticleSummary {
  id: number;
  slug: string;
  headline: string;
  dek: string;
  status: ArticleStatus;
  published_at: Date | null;
  updated_at: Date;
  editors_pick: boolean;
  feature_image_url: string | null;
  feature_image_alt: string;
  format: Named | null;
  section: Named | null;
  authors: AuthorRef[];
  /** Who may read it in full (src/members/access.ts decides). */
  access: 'public' | 'metered' | 'members' | 'paid';
}

export interface Article extends ArticleSummary {
  /** A post is news; a page (About, Contact: Ghost's notion) is in no list, feed or news sitemap. */
  type: 'post' | 'page';
  body_source: string;
  body_format: 'markdown' | 'html';
  body_html: string;
  body_text: string;
  created_at: Date;
  feature_image_caption: string;
  canonical_url: string | null;
  story_key: string | null;
  /** The lead-in before the paywall marker; null: the first two paragraphs (leadInHtml). */
  lead_html: string | null;
  tags: Named[];
}
