// Canonical article URLs for deduplication: the same page reached with ?utm_source=…, #comments or
// an upper-case host is one item. Tracking parameters are the well-known ones of analytics, ad and
// mail tools; everything else in the query is kept (it may choose the page).

const TRACKING = new Set([
  'fbclid', 'gclid', 'gclsrc', 'dclid', 'gbraid', 'wbraid', 'msclkid', 'yclid', 'twclid', 'ttclid', 'li_fat_id', 'igshid',
  'mc_cid', 'mc_eid', '_ga', '_gl', '_hsenc', '_hsmi', 'mkt_tok', 'oly_anon_id', 'oly_enc_id', 'vero_id', 'vero_conv',
  'cmpid', 'cmp', 'ncid', 'ocid', 'sr_share', 'smid', 'smtyp', 'soc_src', 'soc_trk', 'ito', 'at_medium', 'at_campaign',
  'ref_src', 'ref_url', 'rss', 'rssfeed', 'feed', 'from_rss', 'utm', 'spm', 'guccounter', 'guce_referrer', 'guce_referrer_sig',
]);

/** True for a query parameter that only says where the click came from. */
export function isTrackingParam(name: string): boolean {
  const n = name.toLowerCase();
  return n.startsWith('utm_') || n.startsWith('pk_') || n.startsWith('mtm_') || n.startsWith('hmb_') || TRACKING.has(n);
}

/**
 * The canonical form of an absolute http(s) URL, resolved against `base` when relative; null when it
 * is not one. Lower-case scheme and host, default port dropped, fragment dropped, tracking parameters
 * removed (the rest keep their order), an empty query dropped.
 */
export function canonicalUrl(raw: string | null | undefined, base?: string): string | null {
  if (!raw || !raw.trim()) return null;
  let u: URL;
  try {
    u = new URL(raw.trim(), base);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  if (u.username || u.password) return null;
  u.hash = '';
  const kept = [...u.searchParams].filter(([k]) => !isTrackingParam(k));
  u.search = '';
  for (const [k, v] of kept) u.searchParams.append(k, v);
  return u.href;
}

/** The host a request goes to (politeness is per host, port included). */
export function hostOf(url: string): string {
  return new URL(url).host.toLowerCase();
}
