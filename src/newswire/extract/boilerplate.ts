// What marks an element as boilerplate or as the article, by tag, ARIA role, state and the words of
// its class and id. The vocabulary follows what news CMSs use (WordPress, Arc, Brightspot, Drupal,
// Ghost, Substack...) and what the open extractors learned (Readability's unlikely/positive lists,
// trafilatura's discard and body XPaths, boilerpipe/jusText's link density), matched on whole words
// of the class ("related-posts", "relatedPosts" and "related_posts" all give the word "related").
import type { El } from './dom.ts';

/** The lower-case words of an element's class and id, with a space on each side. */
export function wordsOf(e: El): string {
  const raw = (e.attrs.class ?? '') + ' ' + (e.attrs.id ?? '');
  if (raw.length === 1) return ' ';
  return ' ' + raw.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().replace(/[^a-z0-9]+/g, ' ') + ' ';
}

// Removed wherever they are (unless they hold the article itself): reader comments, consent and
// sign-up boxes, related and recommended links, sharing, ads, pagination, screen-reader helpers.
const STRONG = new RegExp(
  ' (?:' +
    [
      'cookies?', 'consent', 'gdpr', 'onetrust', 'cookiebot',
      'newsletters?', 'subscribe', 'subscription', 'signup', 'sign up', 'optin', 'opt in', 'mailing list', 'mailchimp', 'mc4wp',
      'related', 'recirc', 'recirculation', 'recommended', 'recommendations?', 'outbrain', 'taboola', 'trending', 'most popular', 'most read', 'popular posts', 'more stories', 'more articles', 'read next', 'up next', 'read more', 'also read', 'see also', 'you may like', 'further reading',
      'share', 'shares', 'sharing', 'sharedaddy', 'sharebar', 'share buttons?', 'social', 'socials', 'social share', 'addthis', 'addtoany', 'a2a', 'jp relatedposts',
      'ad', 'ads', 'advert', 'adverts', 'advertisement', 'advertising', 'adslot', 'ad slot', 'ad unit', 'adunit', 'ad container', 'ad wrapper', 'dfp', 'gpt', 'sponsor', 'sponsored', 'promo', 'promos', 'promotion', 'affiliate disclosure',
      'breadcrumbs?', 'pagination', 'pager', 'prev next', 'post navigation', 'nav links',
      'skip link', 'skip to content',
      'modal', 'popup', 'pop up', 'lightbox', 'overlay', 'paywall', 'piano', 'tp modal',
      'print only', 'noprint', 'd none', 'is hidden', 'u hidden', 'js hidden',
      'author bio', 'author box', 'about author', 'author info', 'author card', 'bio box',
      'tags', 'tag list', 'taglist', 'tagcloud', 'post tags', 'entry tags', 'categories', 'post categories',
      'toc', 'table of contents', 'ez toc',
      'rating', 'ratings', 'reviews widget', 'star rating',
      'app promo', 'download app', 'follow us', 'join us',
    ].join('|') +
    ') ',
);

// Hidden by a class: whole class tokens only ("field-label-hidden" labels a visible field in Drupal,
// "hidden-xs" hides on small screens only).
const HIDDEN_CLASSES = new Set(['hidden', 'hide', 'is-hidden', 'u-hidden', 'js-hidden', 'd-none', 'display-none', 'invisible', 'element-invisible', 'sr-only', 'visually-hidden', 'visuallyhidden', 'screen-reader-text', 'screen-reader-only', 'a11y-hidden', 'offscreen', 'hidden-visually']);
function hiddenByClass(e: El): boolean {
  const c = e.attrs.class;
  if (!c) return false;
  for (const t of c.toLowerCase().split(/\s+/)) if (HIDDEN_CLASSES.has(t)) return true;
  return false;
}


// Reader comments: removed even when they outweigh the article (long threads under short posts).
const COMMENTS = / (?:comments?|commentlist|comment list|comment section|comments section|comment form|disqus|disqus thread|respond|replies|reply|discussion|talk|coral|viafoura|spot im|openweb)(?: |$)/;

// Removed unless they hold most of the page's text (whole-page wrappers carry such words too).
const WEAK = new RegExp(
  ' (?:' +
    [
      'nav', 'navbar', 'navigation', 'menu', 'menus', 'submenu', 'sidebar', 'side bar', 'rail', 'right rail', 'aside', 'widget', 'widgets',
      'footer', 'site footer', 'header', 'site header', 'masthead', 'banner', 'toolbar', 'topbar', 'top bar',
      'byline', 'dateline', 'timestamp', 'post meta', 'entry meta', 'article meta', 'meta', 'metadata', 'author', 'authors',
      'supplemental', 'extra', 'extras', 'links', 'link list', 'teaser', 'teasers', 'card list', 'cards',
      'alert', 'notice', 'disclaimer', 'legal', 'copyright',
    ].join('|') +
    ') ',
);

// Words that mark the article body (trafilatura's body XPaths, Readability's positive list).
export const BODY_WORDS = new RegExp(
  ' (?:' +
    [
      'article body', 'articlebody', 'article content', 'article text', 'articletext', 'article copy', 'article main', 'article inner',
      'story body', 'storybody', 'story content', 'story text', 'storycontent',
      'post body', 'post content', 'post text', 'postcontent', 'post entry', 'post inner',
      'entry content', 'entry body', 'entry text', 'entrycontent',
      'body text', 'bodytext', 'body copy', 'rich text', 'richtext', 'text content', 'content body', 'page content', 'main content', 'maincontent',
      'blog content', 'blog post', 'single content', 'single post', 'field body', 'field item', 'fulltext', 'full text', 'prose', 'markdown', 'md content', 'body markup', 'caas body', 'zn body text', 'paywall article', 'article section',
    ].join('|') +
    ') ',
);

const POSITIVE = / (?:article|body|content|entry|hentry|h entry|main|page|post|text|blog|story|prose)(?: |$)/;
const NEGATIVE = / (?:hidden|banner|combx|comment|contact|foot|footer|footnote|gdpr|masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper|sponsor|shopping|tags|tool|ad|ads|social|subscribe|newsletter|nav|menu|card|teaser|recommend)(?: |$)/;

/** Readability-style class weight: +25 for article-like words, -25 for boilerplate words. */
export function classWeight(e: El): number {
  const w = wordsOf(e);
  if (w.length < 3) return 0;
  let s = 0;
  if (NEGATIVE.test(w)) s -= 25;
  if (POSITIVE.test(w) || BODY_WORDS.test(w)) s += 25;
  return s;
}

const DROP_TAGS = new Set(['nav', 'aside', 'footer', 'menu', 'form', 'header', 'input', 'label', 'fieldset', 'legend', 'option', 'optgroup', 'datalist', 'output', 'progress', 'meter', 'source', 'track', 'param', 'area', 'frame']);
const STRONG_TAGS = new Set(['input', 'label', 'option', 'optgroup', 'datalist', 'output', 'progress', 'meter', 'source', 'track', 'param', 'area', 'frame', 'fieldset', 'legend']);
const DROP_ROLES = /^(?:navigation|banner|contentinfo|complementary|search|dialog|alertdialog|menu|menubar|toolbar|tablist|tooltip|status|marquee|timer)$/;

/**
 * 'hard': always dropped (hidden, form controls, comments); 'strong': dropped unless it holds most of
 * the page's text; 'weak' (by tag or role): dropped unless it holds a good part of it; 'words' (by
 * weak class words such as "widget", "meta", "header"): dropped only when it also looks like
 * furniture (mostly links, or no paragraph text), since page builders put such words on everything.
 */
export type Verdict = 'hard' | 'strong' | 'weak' | 'words' | null;

/** Whether an element is boilerplate, and how sure we are. */
export function boilerplate(e: El): Verdict {
  const tag = e.tag;
  if (tag === 'body' || tag === '#root') return null;
  if (STRONG_TAGS.has(tag)) return 'hard';
  const a = e.attrs;
  if ('hidden' in a || a['aria-hidden'] === 'true') return 'hard';
  if (a.style && /display\s*:\s*none|visibility\s*:\s*hidden/i.test(a.style)) return 'hard';
  if (hiddenByClass(e)) return 'hard';
  // The page's own article container is judged by its text, not by the words of its class.
  if (tag === 'article' || tag === 'main' || a.role === 'main' || a.role === 'article' || a.itemprop === 'articleBody') return null;
  if (tag === 'a' || tag === 'p' || tag === 'br' || tag === 'img' || tag === 'li' || /^h[1-6]$/.test(tag)) {
    // Words on small elements (a paragraph classed "lead-share") say little; only state removes them.
    return null;
  }
  if (DROP_TAGS.has(tag)) return 'weak';
  if (a.role && DROP_ROLES.test(a.role)) return 'weak';
  const w = wordsOf(e);
  if (w.length < 3) return null;
  const body = BODY_WORDS.test(w) || a.itemprop === 'articleBody';
  if (body) return null;
  if (COMMENTS.test(w)) return 'hard';
  if (STRONG.test(w)) return 'strong';
  if (WEAK.test(w)) return 'words';
  return null;
}

/** Short texts that are page furniture whatever their markup. */
export const FURNITURE = /^(?:advertisement|advertisements?|ad|sponsored|story continues below( advertisement)?|article continues below( advertisement)?|continue reading( below)?|scroll to continue( with content)?|read more|read next|see also|related( articles| stories| content| posts| coverage)?:?|more from .{1,40}|share( this( article| story| post)?)?( on .{1,20})?|share on .{1,20}|tweet|email|print|copy link|link copied|follow us( on .{1,30})?|sign up( for .{1,60})?|subscribe( now| to .{1,60})?|click here( to .{1,60})?|loading\.{0,3}|image:? .{0,60}getty images.{0,20}|photo:? .{0,60}|skip (to|ad)( content| main content)?|back to top|leave a comment|comments?|\d+ comments?|view comments|show comments|we use cookies.*|accept( all)?( cookies)?|reject( all)?|this site uses cookies.*|listen to (this|the) (article|story).*|\d+ min(ute)?s? read|enable javascript.*)$/i;
