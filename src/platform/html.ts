// Escaped-by-default HTML templates: html`<p>${text}</p>` escapes every interpolated value unless it
// is already SafeHtml (another template, or raw() around HTML that was sanitised on the way in).
// Arrays are joined; null, undefined and false render as nothing.
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const ESCAPE_RE = /[&<>"']/g;

export function escapeHtml(s: string): string {
  return ESCAPE_RE.test(s) ? s.replace(ESCAPE_RE, (c) => ESCAPES[c]!) : s;
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | HtmlValue[];

function render(v: HtmlValue): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  ESCAPE_RE.lastIndex = 0;
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** Trust a string as HTML. Only for HTML we produced or sanitised (see platform/sanitize.ts). */
export function raw(s: string): SafeHtml {
  return new SafeHtml(s);
}

/** JSON for a <script type="application/ld+json"> block: escapes what could close the element. */
export function jsonForScript(value: unknown): SafeHtml {
  return new SafeHtml(
    JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029'),
  );
}

/** XML text/attribute escaping for feeds and sitemaps. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
}
