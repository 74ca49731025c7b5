// Site-relative links made absolute, for HTML read away from the site: feeds, the Content APIs' html
// and emails. Readers, API clients and mail clients have no base URL to resolve "/uploads/x.jpg" or
// "../story" against, so, as Ghost does, every href, src, srcset, poster and cite that is not already
// absolute is resolved against the document's own URL. Works on the HTML our sanitiser and templates
// write (attribute values in double or single quotes, entities left as they are).

const ATTR_RE = /(<[a-zA-Z][^\s/>]*)([^>]*)>/g;
const VALUE_RE = /(\s(?:href|src|poster|cite|srcset)\s*=\s*)("([^"]*)"|'([^']*)')/gi;
const SCHEME_RE = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;

/** One URL resolved against `base` (an absolute URL); fragments, schemes and empty values stay. */
export function absoluteUrl(value: string, base: string): string {
  const v = value.trim();
  if (!v || v.startsWith('#') || SCHEME_RE.test(v) || v.startsWith('{{') || v.includes('\u0000')) return value;
  try {
    // &amp; in an attribute is a literal &: resolve the decoded form, write it back encoded.
    const resolved = new URL(v.replaceAll('&amp;', '&'), base).href;
    return resolved.replaceAll('&', '&amp;');
  } catch {
    return value;
  }
}

function absoluteSrcset(value: string, base: string): string {
  return value
    .split(',')
    .map((candidate) => {
      const m = /^(\s*)(\S+)(.*)$/s.exec(candidate);
      return m ? m[1] + absoluteUrl(m[2]!, base) + m[3] : candidate;
    })
    .join(',');
}

/** The HTML with every relative URL in its links, images and media resolved against `base`. */
export function absoluteUrls(html: string, base: string): string {
  if (!html || !/\s(?:href|src|poster|cite|srcset)\s*=/i.test(html)) return html;
  return html.replace(ATTR_RE, (_tag, open: string, attrs: string) => {
    const fixed = attrs.replace(VALUE_RE, (_m, lead: string, _q: string, dq: string | undefined, sq: string | undefined) => {
      const isSrcset = /srcset/i.test(lead);
      const raw = dq ?? sq ?? '';
      const out = isSrcset ? absoluteSrcset(raw, base) : absoluteUrl(raw, base);
      return dq !== undefined ? `${lead}"${out}"` : `${lead}'${out}'`;
    });
    return `${open}${fixed}>`;
  });
}
