// The change channels: NOTIFY names that every process on the same database hears (this process at
// once, after commit; others through LISTEN on PostgreSQL; see src/db/index.ts). One list, so that a
// reader can see who announces what and who listens. The newsletters domain has one of its own,
// `newsletter_sends` (SENDS_CHANNEL in src/newsletters/editions.ts), heard only by its delivery engine.

/**
 * What the public sees has changed: a published article (or one that was published), a published
 * edition, the publication's settings, formats, sections, tags, authors, the newsletters the sign-up
 * box offers. Heard by the page cache and the Content API caches, which drop everything. Drafts and
 * autosaves never announce here: nothing a reader can see has changed.
 */
export const CONTENT_CHANNEL = 'content_changed';

/**
 * The coverage of wire stories that readers can see has changed (items joined, counts or titles moved):
 * the payload is a JSON array of story slugs. The page cache drops those stories' pages and feeds and
 * the pages of our published articles on them, and nothing else (src/newswire/coverage/coverage.ts).
 */
export const STORY_CHANNEL = 'wire_story_changed';

/** An article's scheduled publish time was set, moved or cleared: the article scheduler re-arms its timer. */
export const SCHEDULE_CHANNEL = 'schedule_changed';

/** An API key was revoked: every process drops it from its key cache and its cached API answers. */
export const API_KEYS_CHANNEL = 'api_keys_changed';

/**
 * A reader's sessions or account changed (signed out, signed out everywhere, renamed, address changed,
 * deleted): every process drops what it keeps of member sessions (src/members/accounts.ts), so an
 * ended session stops working on every server at once, not after the session cache's few seconds.
 */
export const MEMBERS_CHANNEL = 'member_sessions_changed';
