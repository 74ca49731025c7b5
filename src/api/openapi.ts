// The OpenAPI 3.1 description of the Admin API, the Content API and the Ghost-compatible Content API,
// served at /api/openapi.json. Written by hand from a compact table; test/api-admin.test.ts checks
// that every registered /api and /ghost/api/content route appears here.
type Schema = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const obj = (properties: Record<string, Schema>, required: string[] = []): Schema => ({ type: 'object', properties, ...(required.length ? { required } : {}) });
const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer' };
const bool: Schema = { type: 'boolean' };
const time: Schema = { type: 'string', format: 'date-time' };
const nullable = (s: Schema): Schema => ({ anyOf: [s, { type: 'null' }] });
const arr = (s: Schema): Schema => ({ type: 'array', items: s });
const data = (s: Schema): Schema => obj({ data: s }, ['data']);
const listOf = (s: Schema): Schema => obj({ data: arr(s), meta: obj({ pagination: ref('Pagination') }) }, ['data']);

interface Op {
  summary: string;
  /** Permission an admin key's role needs (src/staff/roles.ts). */
  permission?: string;
  params?: Array<{ name: string; in: 'query' | 'path'; schema?: Schema; description?: string; required?: boolean }>;
  body?: Schema;
  response?: Schema;
  status?: number;
}

const pathId = { name: 'id', in: 'path' as const, schema: int, required: true };
const pathSlug = { name: 'slug', in: 'path' as const, schema: str, required: true };
const q = (name: string, description: string, schema: Schema = str) => ({ name, in: 'query' as const, schema, description });
const pageParams = [q('page', 'Page number, from 1', int), q('limit', 'Items per page (at most 100)', int)];

const TAXONOMY_SCHEMA: Record<string, string> = { formats: 'Format', sections: 'Section', tags: 'Tag', authors: 'Author' };

const ADMIN: Record<string, Record<string, Op>> = {
  '/api/admin/me': { get: { summary: 'The key making the request', response: obj({ key: obj({ id: int, name: str, role: str, prefix: str }) }) } },
  '/api/admin/articles': {
    get: {
      summary: 'List articles of every status, most recently edited first',
      params: [
        q('status', 'draft, scheduled or published'), q('type', 'post or page'), q('format', 'format slug'), q('section', 'section slug'),
        q('author', 'author slug'), q('tag', 'tag slug'), q('search', 'full-text search (best match first)'), ...pageParams,
      ],
      response: listOf(ref('ArticleSummary')),
    },
    post: { summary: 'Create an article (contributor keys: drafts only)', permission: 'articles.write_own_drafts', body: ref('ArticleInput'), response: data(ref('Article')), status: 201 },
  },
  '/api/admin/articles/{id}': {
    get: { summary: 'One article, any status', params: [pathId], response: data(ref('Article')) },
    patch: { summary: 'Change an article (only the fields given)', permission: 'articles.write_own_drafts (own drafts) or articles.manage_all', params: [pathId], body: ref('ArticleInput'), response: data(ref('Article')) },
    delete: { summary: 'Delete an article', permission: 'articles.manage_all, or own article', params: [pathId], status: 204 },
  },
  '/api/admin/articles/{id}/publish': {
    post: { summary: 'Publish now, or at publishedAt (a future time schedules)', permission: 'articles.publish_own (own) or articles.manage_all', params: [pathId], body: obj({ publishedAt: time }), response: data(ref('Article')) },
  },
  '/api/admin/articles/{id}/schedule': {
    post: { summary: 'Schedule for a future time', permission: 'articles.publish_own (own) or articles.manage_all', params: [pathId], body: obj({ publishedAt: time }, ['publishedAt']), response: data(ref('Article')) },
  },
  '/api/admin/articles/{id}/unpublish': {
    post: { summary: 'Back to draft', permission: 'articles.publish_own (own) or articles.manage_all', params: [pathId], response: data(ref('Article')) },
  },
  '/api/admin/articles/{id}/revisions': { get: { summary: 'Revision history (from the newsroom)', params: [pathId], response: data(arr({ type: 'object' })) } },
  '/api/admin/settings': {
    get: { summary: 'Publication settings', response: data(ref('Publication')) },
    patch: { summary: 'Change publication settings', permission: 'settings.manage', body: ref('Publication'), response: data(ref('Publication')) },
  },
  '/api/admin/webhooks': {
    get: { summary: 'List webhooks', permission: 'webhooks.manage', response: data(arr(ref('Webhook'))) },
    post: { summary: 'Create a webhook; the answer carries its signing secret, shown once', permission: 'webhooks.manage', body: ref('WebhookInput'), response: data(ref('Webhook')), status: 201 },
  },
  '/api/admin/webhooks/{id}': {
    get: { summary: 'One webhook', permission: 'webhooks.manage', params: [pathId], response: data(ref('Webhook')) },
    patch: { summary: 'Change a webhook', permission: 'webhooks.manage', params: [pathId], body: ref('WebhookInput'), response: data(ref('Webhook')) },
    delete: { summary: 'Delete a webhook and its delivery log', permission: 'webhooks.manage', params: [pathId], status: 204 },
  },
  '/api/admin/webhooks/{id}/rotate-secret': { post: { summary: 'New signing secret (returned once)', permission: 'webhooks.manage', params: [pathId], response: data(obj({ secret: str })) } },
  '/api/admin/webhooks/{id}/deliveries': {
    get: { summary: 'Delivery log, newest first, with every attempt', permission: 'webhooks.manage', params: [pathId, ...pageParams], response: data(arr(ref('Delivery'))) },
  },
  '/api/admin/api-keys': {
    get: { summary: 'List live API keys (never their secrets)', permission: 'apikeys.manage', response: data(arr(ref('ApiKey'))) },
    post: { summary: 'Create a key; the answer carries the secret, shown once', permission: 'apikeys.manage', body: obj({ name: str, kind: { enum: ['admin', 'content'] }, role: { enum: ['contributor', 'author', 'editor', 'administrator'] } }, ['name', 'kind']), response: data(ref('ApiKey')), status: 201 },
  },
  '/api/admin/api-keys/{id}': { delete: { summary: 'Revoke a key (immediately)', permission: 'apikeys.manage', params: [pathId], status: 204 } },
  '/api/admin/newsletters': { get: { summary: 'List newsletters', permission: 'newsletters.manage', response: data(arr({ type: 'object' })) } },
  '/api/admin/newsletters/{slug}': {
    get: { summary: 'One newsletter', permission: 'newsletters.manage', params: [pathSlug], response: data({ type: 'object' }) },
    put: { summary: 'Create or replace a newsletter', permission: 'newsletters.manage', params: [pathSlug], body: { type: 'object' }, response: data({ type: 'object' }) },
  },
};
const NL = 'newsletters.manage';
const pathEmail = { name: 'email', in: 'path' as const, schema: str, required: true };
Object.assign(ADMIN, {
  '/api/admin/subscribers': {
    get: { summary: 'Subscribers, newest first, with their subscriptions', permission: NL, params: [q('newsletter', 'newsletter slug'), q('status', 'pending, confirmed or unsubscribed'), q('q', 'part of an address or name'), ...pageParams], response: listOf({ type: 'object' }) },
    post: { summary: 'Add a subscriber (confirmed: true skips double opt-in, for consent given elsewhere)', permission: NL, body: obj({ email: str, name: str, newsletters: arr(str), confirmed: bool, consentAt: time }, ['email', 'newsletters']), response: data(obj({ person_id: int, confirmed: bool })), status: 201 },
  },
  '/api/admin/subscribers/unsubscribe': { post: { summary: 'Unsubscribe an address from one newsletter or all', permission: NL, body: obj({ email: str, newsletter: str }, ['email']), response: data(obj({ unsubscribed: arr(str) })) } },
  '/api/admin/subscribers/{email}': { delete: { summary: 'Delete a person for good (subscriptions, deliveries, mail events)', permission: NL, params: [pathEmail], status: 204 } },
  '/api/admin/subscribers/import': { post: { summary: 'Import subscribers from CSV text', permission: NL, body: obj({ csv: str, newsletter: str, confirmed: bool }, ['csv', 'newsletter']), response: data({ type: 'object' }) } },
  '/api/admin/members': { get: { summary: 'Members (reader accounts and paid subscriptions): email, name, plan, status, expires_at, source', permission: NL, params: [q('q', 'email or name contains'), q('plan', 'plan slug'), q('status', 'free, active, past_due, cancelled or expired'), ...pageParams], response: listOf({ type: 'object' }) } },
  '/api/admin/members/import': { post: { summary: 'Import subscriptions from CSV text (email,name,plan,status,expires_at[,external_id,note]); the same report as `newsdesk members import`', permission: NL, body: obj({ csv: str }, ['csv']), response: data({ type: 'object' }) } },
  '/api/admin/members/{id}': {
    get: { summary: 'A member: subscriptions, newsletters, reading this period', permission: NL, params: [pathId], response: data({ type: 'object' }) },
    patch: { summary: 'Change a member: name, note, complimentary_until (ISO date; null revokes)', permission: NL, params: [pathId], body: obj({ name: str, note: str, complimentary_until: nullable(str) }), response: data({ type: 'object' }) },
  },
  '/api/admin/plans': {
    get: { summary: 'Plans', permission: NL, response: data(arr({ type: 'object' })) },
    post: { summary: 'Create or update a plan (by slug)', permission: 'settings.manage', body: obj({ slug: str, name: str, currency: str, monthly_amount: nullable(int), yearly_amount: nullable(int), stripe_price_monthly: nullable(str), stripe_price_yearly: nullable(str), features: arr(str) }, ['name']), status: 201, response: data({ type: 'object' }) },
  },
  '/api/admin/paywall': {
    get: { summary: 'Paywall settings (meter limits, period, exemptions, grace days)', permission: NL, response: data({ type: 'object' }) },
    put: { summary: 'Change paywall settings (any subset of the fields)', permission: 'settings.manage', body: { type: 'object' }, response: data({ type: 'object' }) },
  },
  '/api/admin/subscribers/export': { get: { summary: 'Export subscribers as CSV (text/csv)', permission: NL, params: [q('newsletter', 'newsletter slug')] } },
  '/api/admin/editions': { get: { summary: 'Editions, newest first per newsletter', permission: NL, params: [q('newsletter', 'newsletter slug'), q('status', 'draft, scheduled, sending, paused, sent or cancelled'), ...pageParams], response: data(arr({ type: 'object' })) } },
  '/api/admin/newsletters/{slug}/editions': { post: { summary: 'Build the next edition from the selection rules', permission: NL, params: [pathSlug], response: data({ type: 'object' }), status: 201 } },
  '/api/admin/editions/{id}': {
    get: { summary: 'One edition with its stories', permission: NL, params: [pathId], response: data({ type: 'object' }) },
    patch: { summary: 'Change the intro or subject', permission: NL, params: [pathId], body: obj({ intro: str, subject: str }), response: data({ type: 'object' }) },
  },
  '/api/admin/editions/{id}/items': { put: { summary: 'Set the stories and their order', permission: NL, params: [pathId], body: obj({ articleIds: arr(int) }, ['articleIds']), response: data(arr({ type: 'object' })) } },
  '/api/admin/editions/{id}/schedule': { post: { summary: 'Schedule the send (null: unschedule)', permission: NL, params: [pathId], body: obj({ at: nullable(time) }, ['at']), response: data({ type: 'object' }) } },
  '/api/admin/editions/{id}/send': { post: { summary: 'Send now', permission: NL, params: [pathId], response: data(obj({ edition: { type: 'object' }, queued: int })) } },
  '/api/admin/editions/{id}/status': { get: { summary: 'Send progress', permission: NL, params: [pathId], response: data({ type: 'object' }) } },
});
// The newswire (issue #11).
const LEAN: Schema = { type: 'string', enum: ['left', 'lean-left', 'center', 'lean-right', 'right', 'mixed', 'unrated'] };
const WIRE = 'wire.manage';
const outletInput = obj({ name: str, url: str, feeds: arr(str), lean: LEAN, rating_source: nullable(str), rating_confidence: nullable({ type: 'string', enum: ['high', 'medium', 'low'] }), country: nullable(str), language: nullable(str), fetch_allowed: bool, active: bool });
Object.assign(ADMIN, {
  '/api/admin/outlets': {
    get: { summary: 'The newswire\'s outlets with their feeds and health (by name)', params: [q('lean', 'one lean value'), q('q', 'name or home page contains'), ...pageParams], response: listOf(ref('Outlet')) },
    post: { summary: 'Add an outlet (name and url required)', permission: WIRE, body: outletInput, response: data(ref('Outlet')), status: 201 },
  },
  '/api/admin/outlets/{id}': {
    get: { summary: 'One outlet with its health', params: [pathId], response: data(ref('Outlet')) },
    patch: { summary: 'Change an outlet (only the fields given; feeds is the whole new list)', permission: WIRE, params: [pathId], body: outletInput, response: data(ref('Outlet')) },
    delete: { summary: 'Delete an outlet with its feeds and items; the stories they were on are recounted, and a story left with no item is deleted', permission: WIRE, params: [pathId], status: 204 },
  },
  '/api/admin/wire/items': {
    get: {
      summary: 'The wire\'s items, newest first',
      params: [q('outlet', 'outlet slug'), q('lean', 'one lean value'), q('language', 'language code, such as en'), q('q', 'full-text search in title and text'), q('since', 'published at or after (ISO 8601)', time), ...pageParams],
      response: listOf(ref('WireItem')),
    },
  },
  '/api/admin/wire/items/{id}': { get: { summary: 'One wire item, with its sanitised HTML', params: [pathId], response: data(ref('WireItem')) } },
  '/api/admin/stories/{id}/brief': {
    post: {
      summary: 'Draft a brief: a draft Speed Read linked to the story, quoting and attributing its coverage (what happened, one outlet per side, the sources); 200 with the story\'s existing draft brief',
      permission: 'articles.write_own_drafts',
      params: [pathId],
      status: 201,
      response: data({ type: 'object' }),
    },
  },
});
// The wire's stories (issue #12).
const dateParam = q('date', 'a local calendar day in the publication\'s time zone, YYYY-MM-DD (absent or empty: today)', { type: 'string', format: 'date' });
Object.assign(ADMIN, {
  '/api/admin/stories': {
    get: {
      summary: 'The day\'s biggest stories, ranked (distinct outlets, spread across the spectrum, growth, recency; pinned first, hidden left out unless hidden=true)',
      params: [dateParam, q('limit', 'at most this many (1-500, default 50)', int), q('hidden', 'true: include hidden stories, after the others')],
      response: obj({ data: arr(ref('RankedStory')), meta: obj({ date: str, time_zone: str }) }, ['data']),
    },
  },
  '/api/admin/stories/blindspots': { get: { summary: 'The week\'s blindspots: the seven days ending on `date`, most outlets first', params: [dateParam, q('limit', '1-500, default 100', int)], response: obj({ data: arr(ref('Story')), meta: obj({ from: str, to: str }) }, ['data']) } },
  '/api/admin/stories/settings': {
    get: { summary: 'The blindspot settings: at least blindspot_min_outlets rated outlets, at least blindspot_share of them from one group', response: data(ref('StorySettings')) },
    put: { summary: 'Change the blindspot settings (every story is re-marked)', permission: WIRE, body: ref('StorySettings'), response: data(ref('StorySettings')) },
  },
  '/api/admin/stories/{id}': {
    get: { summary: 'A story with its items (oldest first), the spread, our linked articles (story_key = slug) and the editors\' decisions', params: [pathId], response: data(ref('StoryDetail')) },
    patch: { summary: 'Rename (title), pin or hide a story; each change is recorded as a decision', permission: WIRE, params: [pathId], body: obj({ title: str, pinned: bool, hidden: bool }), response: data(ref('Story')) },
  },
  '/api/admin/stories/{id}/merge': { post: { summary: 'Merge story `from` into this one: its items and linked articles move here (recorded)', permission: WIRE, params: [pathId], body: obj({ from: int }, ['from']), response: data(ref('Story')) } },
  '/api/admin/stories/{id}/split': { post: { summary: 'Split these items off into a new story (recorded); answers the new story', permission: WIRE, params: [pathId], body: obj({ items: arr(int) }, ['items']), response: data(ref('Story')), status: 201 } },
});
for (const [kind, schema] of Object.entries(TAXONOMY_SCHEMA)) {
  ADMIN[`/api/admin/${kind}`] = {
    get: { summary: `List ${kind} with article counts`, response: data(arr(ref(schema))) },
    post: { summary: `Create a ${schema.toLowerCase()}`, permission: 'taxonomy.manage', body: ref(schema), response: data(ref(schema)), status: 201 },
  };
  ADMIN[`/api/admin/${kind}/{slug}`] = {
    get: { summary: `One ${schema.toLowerCase()}`, params: [pathSlug], response: data(ref(schema)) },
    patch: { summary: `Change a ${schema.toLowerCase()} (the slug stays)`, permission: 'taxonomy.manage', params: [pathSlug], body: ref(schema), response: data(ref(schema)) },
    delete: { summary: `Delete a ${schema.toLowerCase()}`, permission: 'taxonomy.manage', params: [pathSlug], status: 204 },
  };
}

const keyParam = { name: 'key', in: 'query' as const, schema: str, required: true, description: 'Content API key (26 hex characters)' };
const CONTENT: Record<string, Record<string, Op>> = {
  '/api/content/articles': {
    get: {
      summary: 'Published articles, newest first',
      params: [keyParam, q('section', 'section slug'), q('format', 'format slug'), q('tag', 'tag slug'), q('author', 'author slug'), q('picks', "true: editors' picks only"), ...pageParams],
      response: listOf(ref('ArticleSummary')),
    },
  },
  '/api/content/articles/{slug}': { get: { summary: 'One published article', params: [keyParam, pathSlug], response: data(ref('Article')) } },
  '/api/content/sections': { get: { summary: 'Sections', params: [keyParam], response: data(arr(ref('Section'))) } },
  '/api/content/formats': { get: { summary: 'Formats', params: [keyParam], response: data(arr(ref('Format'))) } },
  '/api/content/tags': { get: { summary: 'Tags with published articles', params: [keyParam], response: data(arr(ref('Tag'))) } },
  '/api/content/authors': { get: { summary: 'Authors with published articles', params: [keyParam], response: data(arr(ref('Author'))) } },
};

const ghostBrowse = [
  keyParam,
  q('include', 'posts/pages: authors, tags; tags/authors: count.posts'),
  q('filter', "NQL subset: field:value, field:-value, field:[a,b], + (and), ',' (or), > < >= <= on dates; fields tag(s), author(s), primary_tag, primary_author, featured, slug, id, published_at, visibility"),
  q('limit', 'number or "all" (default 15)'), q('page', 'page number'), q('fields', 'comma-separated attributes to return'),
  q('formats', 'html (default), plaintext'), q('order', 'e.g. "published_at desc"'),
];
const ghostRead = [keyParam, q('include', 'see browse'), q('fields', 'see browse'), q('formats', 'see browse')];
const GHOST: Record<string, Record<string, Op>> = {};
for (const r of ['posts', 'pages', 'tags', 'authors']) {
  const item = { type: 'object', description: `Ghost ${r.slice(0, -1)} object (Ghost Content API v5)` };
  GHOST[`/ghost/api/content/${r}/`] = { get: { summary: `Browse ${r} (Ghost-compatible)`, params: ghostBrowse, response: obj({ [r]: arr(item), meta: obj({ pagination: ref('GhostPagination') }) }) } };
  GHOST[`/ghost/api/content/${r}/{id}/`] = { get: { summary: `Read a ${r.slice(0, -1)} by id (Ghost-compatible)`, params: [{ ...pathId, schema: str }, ...ghostRead], response: obj({ [r]: arr(item) }) } };
  GHOST[`/ghost/api/content/${r}/slug/{slug}/`] = { get: { summary: `Read a ${r.slice(0, -1)} by slug (Ghost-compatible)`, params: [pathSlug, ...ghostRead], response: obj({ [r]: arr(item) }) } };
}
GHOST['/ghost/api/content/settings/'] = { get: { summary: 'Site settings (Ghost-compatible)', params: [keyParam], response: obj({ settings: { type: 'object' }, meta: { type: 'object' } }) } };
GHOST['/ghost/api/content/tiers/'] = { get: { summary: 'Tiers: the plans, free and paid (Ghost-compatible)', params: [keyParam], response: obj({ tiers: { type: 'array', items: { type: 'object' } }, meta: { type: 'object' } }) } };
GHOST['/ghost/api/content/newsletters/'] = { get: { summary: 'Active newsletters (Ghost-compatible)', params: [keyParam, q('limit', 'number or "all" (default 15)'), q('page', 'page number'), q('fields', 'comma-separated attributes to return')], response: obj({ newsletters: arr({ type: 'object' }), meta: obj({ pagination: ref('GhostPagination') }) }) } };
GHOST['/ghost/api/content/offers/{id}/'] = { get: { summary: 'Read an offer (Ghost-compatible; none exist without paid membership: 404)', params: [{ ...pathId, schema: str }, keyParam], response: obj({ offers: arr({ type: 'object' }) }) } };

function operation(op: Op, security: Schema[] | undefined, tag: string): Schema {
  const responses: Record<string, Schema> = {
    [String(op.status ?? 200)]: op.response ? { description: 'OK', content: { 'application/json': { schema: op.response } } } : { description: 'Done' },
    '400': { description: 'Invalid input; `fields` names each bad field', content: { 'application/json': { schema: ref('Error') } } },
    '401': { description: 'Missing, unknown or revoked key' },
    '404': { description: 'Not found (`page_not_found`): a missing resource, or a malformed id in the path, which names none', content: { 'application/json': { schema: ref('Error') } } },
  };
  if (op.permission) responses['403'] = { description: `The key's role lacks ${op.permission}` };
  return {
    tags: [tag],
    summary: op.summary,
    ...(op.permission ? { description: `Needs: ${op.permission}.` } : {}),
    ...(security ? { security } : {}),
    parameters: (op.params ?? []).map((p) => ({ name: p.name, in: p.in, required: p.in === 'path' ? true : !!p.required, schema: p.schema ?? str, ...(p.description ? { description: p.description } : {}) })),
    ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: op.body } } } } : {}),
    responses,
  };
}

export function openApiDocument(siteUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, Schema>> = {};
  const add = (table: Record<string, Record<string, Op>>, tag: string, security?: Schema[]) => {
    for (const [path, ops] of Object.entries(table)) {
      paths[path] = Object.fromEntries(Object.entries(ops).map(([method, op]) => [method, operation(op, security, tag)]));
    }
  };
  add(ADMIN, 'Admin API', [{ adminKey: [] }]);
  add(CONTENT, 'Content API');
  add(GHOST, 'Ghost-compatible Content API');
  paths['/api/openapi.json'] = { get: { tags: ['Meta'], summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1 document' } } } };
  // The newswire's WebSub callback: called by hubs, not by API clients (rate-limited per address).
  const token = { name: 'token', in: 'path', required: true, schema: str, description: 'the subscription the callback belongs to' };
  paths['/api/wire/websub/{token}'] = {
    get: { tags: ['WebSub callback'], summary: 'A hub verifies a subscription of a wire feed (hub.challenge echoed as text/plain)', parameters: [token], responses: { '200': { description: 'the challenge' }, '404': { description: 'no such subscription' } } },
    post: { tags: ['WebSub callback'], summary: 'A hub pushes a wire feed\'s new content (raw body, signed with the subscription\'s secret)', parameters: [token], responses: { '202': { description: 'accepted' }, '404': { description: 'no such subscription' } } },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Newsdesk API',
      version: '1.0.0',
      description:
        'Admin API (JSON, `Authorization: Bearer <admin key>`, limited by the role the key carries), the public read-only Content API (`?key=<content key>`, rate-limited per address, CORS open), and the same content in Ghost Content API shapes under /ghost/api/content/. Errors are `{error: {status, code, message, fields}}` (Ghost paths: `{errors: [...]}`, as Ghost); `code` follows the status: 400 `bad_request` (`fields` names each bad parameter or field and what it expects), 401 `sign_in_required`, 403 `forbidden`, 404 `page_not_found` (a missing resource, and a malformed id in its path such as `abc` or `0x1`, alike), 409 `conflict`, 413 `too_large`, 429 `too_many_requests`, 503 `unavailable`.',
    },
    servers: [{ url: siteUrl }],
    components: {
      securitySchemes: { adminKey: { type: 'http', scheme: 'bearer', description: 'An admin API key (newsdesk apikeys create --kind admin --role ROLE)' } },
      schemas: {
        Error: obj({ error: obj({ status: int, code: str, message: str, fields: { type: 'object', additionalProperties: str } }) }),
        Pagination: obj({ page: int, limit: int, total: int, pages: int }),
        Outlet: obj({
          id: int, name: str, slug: str, home_url: str, lean: LEAN, rating_source: nullable(str), rating_confidence: nullable(str), country: nullable(str), language: nullable(str),
          fetch_allowed: bool, active: bool, demo: bool, created_at: time, updated_at: time,
          feeds: arr(obj({ id: int, url: str, format: nullable(str), title: nullable(str), last_polled_at: nullable(time), last_new_item_at: nullable(time), last_error: nullable(str), next_poll_at: time, websub_hub: nullable(str), websub_state: str, websub_lease_until: nullable(time), websub_requested_at: nullable(time), websub_last_push_at: nullable(time), websub_error: nullable(str) })),
          last_polled_at: nullable(time), last_new_item_at: nullable(time), last_error: nullable(str), items_per_day: { type: 'number' }, items_total: int, page_errors: int,
        }),
        WireItem: obj({
          id: int, outlet: str, outlet_name: str, lean: LEAN, title: str, url: str, published: time, summary: nullable(str), text: nullable(str), byline: nullable(str), lang: nullable(str),
          image_url: nullable(str), extract_status: { type: 'string', enum: ['pending', 'done', 'failed', 'skipped'] }, extract_error: nullable(str), story_id: nullable(int), html: nullable(str),
        }),
        Story: obj({
          id: int, slug: str, title: str, title_by_editor: bool, item_count: int, outlet_count: int,
          outlets: arr(obj({ slug: str, name: str, lean: LEAN })),
          counts: obj({ left: int, center: int, right: int }),
          blindspot: bool, blindspot_for: nullable({ type: 'string', enum: ['left', 'center', 'right'] }),
          first_seen_at: time, last_updated_at: time, pinned: bool, hidden: bool, merged_into: nullable(int),
        }),
        RankedStory: { allOf: [ref('Story'), obj({ rank: int, score: { type: 'number' }, day: obj({ items: int, outlets: int, left: int, center: int, right: int, new_outlets_6h: int, last: time }) })] },
        StoryDetail: {
          allOf: [
            ref('Story'),
            obj({
              spread: { type: 'object' },
              items: arr(obj({ id: int, outlet: str, outlet_name: str, lean: LEAN, side: nullable(str), title: str, url: str, published: time, summary: nullable(str) })),
              articles: arr(obj({ id: int, slug: str, headline: str, status: str, published_at: nullable(time) })),
              decisions: arr({ type: 'object' }),
            }),
          ],
        },
        StorySettings: obj({ blindspot_min_outlets: int, blindspot_share: { type: 'number' } }),
        GhostPagination: obj({ page: int, limit: { anyOf: [int, { const: 'all' }] }, pages: int, total: int, next: nullable(int), prev: nullable(int) }),
        Named: obj({ slug: str, name: str }),
        ArticleSummary: obj({
          id: int, uuid: str, type: { enum: ['post', 'page'] }, slug: str, headline: str, dek: str, status: { enum: ['draft', 'scheduled', 'published'] },
          published_at: nullable(time), updated_at: time, editors_pick: bool, feature_image_url: nullable(str), feature_image_alt: str,
          format: nullable(ref('Named')), section: nullable(ref('Named')), authors: arr(ref('Named')), tags: arr(ref('Named')),
          access: { enum: ['public', 'metered', 'members', 'paid'] },
        }),
        Article: { allOf: [ref('ArticleSummary'), obj({ body_source: str, body_format: str, body_html: str, body_text: str, created_at: time, feature_image_caption: str, canonical_url: nullable(str), story_key: nullable(str) })] },
        ArticleInput: obj({
          headline: str, slug: str, dek: str, body: str, bodyFormat: { enum: ['markdown', 'html'] }, type: { enum: ['post', 'page'] },
          format: nullable(str), section: nullable(str), tags: arr(str), authors: arr(str), status: { enum: ['draft', 'scheduled', 'published'] },
          publishedAt: nullable(time), editorsPick: bool, featureImageUrl: nullable(str), featureImageAlt: str, featureImageCaption: str,
          canonicalUrl: nullable(str), storyKey: nullable(str), access: { enum: ['public', 'metered', 'members', 'paid'] },
        }, ['headline']),
        Format: obj({ slug: str, name: str, description: str, position: int, weight: { type: 'number' }, article_count: int }),
        Section: obj({ slug: str, name: str, description: str, position: int, article_count: int }),
        Tag: obj({ slug: str, name: str, article_count: int }),
        Author: obj({ slug: str, name: str, bio: str, photo_url: nullable(str), article_count: int }),
        Publication: obj({ name: str, description: str, logoUrl: nullable(str), timeZone: str, locale: str, pageSize: int }),
        Webhook: obj({ id: int, name: str, url: str, events: arr(str), active: bool, secret: { type: 'string', description: 'only when created' }, created_at: time, updated_at: time }),
        WebhookInput: obj({ name: str, url: str, events: arr({ enum: ['article.published', 'article.updated', 'article.unpublished', 'article.deleted', 'subscriber.created', 'subscriber.confirmed', 'subscriber.unsubscribed', '*'] }), active: bool }),
        Delivery: obj({
          id: int, event: str, payload: { type: 'object' }, status: { enum: ['pending', 'succeeded', 'failed'] }, attempts: int, response_code: nullable(int), error: nullable(str),
          created_at: time, last_attempt_at: nullable(time), delivered_at: nullable(time),
          attempt_log: arr(obj({ attempt: int, started_at: time, duration_ms: int, response_code: nullable(int), error: nullable(str) })),
        }),
        ApiKey: obj({ id: int, name: str, kind: { enum: ['admin', 'content'] }, role: nullable(str), prefix: str, created_at: time, last_used_at: nullable(time), secret: { type: 'string', description: 'only when created' } }),
      },
    },
    paths,
  };
}
