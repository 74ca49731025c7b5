// The publication's brand: its logo (publication.logoUrl) and one accent colour, used by the site
// (/assets/brand.css), the newsletters and the newsroom alike. The colour is checked to be readable:
// text and links in it on white must reach WCAG AA contrast (4.5:1), so no setting can make the
// site fail its accessibility checks.
import crypto from 'node:crypto';

/** What the brand needs of the publication (structural: settings.ts imports this module). */
type Branded = { accentColor?: string };

export const DEFAULT_ACCENT = '#b3261e';
const HEX = /^#[0-9a-f]{6}$/;

/** "#ABC" and "#AABBCC" (any case) as "#aabbcc"; null when it is not a colour in that form. */
export function normalizeHex(input: string): string | null {
  const s = input.trim().toLowerCase();
  if (/^#[0-9a-f]{3}$/.test(s)) return '#' + [...s.slice(1)].map((c) => c + c).join('');
  return HEX.test(s) ? s : null;
}

function luminance(hex: string): number {
  const ch = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * ch[0]! + 0.7152 * ch[1]! + 0.0722 * ch[2]!;
}

/** The WCAG contrast ratio of two "#rrggbb" colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Why a colour cannot be the accent, or null when it can. */
export function accentProblem(input: string): string | null {
  const hex = normalizeHex(input);
  if (!hex) return 'Give the colour as a hex code such as #b3261e.';
  const ratio = contrastRatio(hex, '#ffffff');
  if (ratio < 4.5) return `That colour is too light to read on white (contrast ${ratio.toFixed(1)}:1; it needs at least 4.5:1). Choose a darker shade.`;
  return null;
}

/** A darker shade of the accent (hover states, borders on tinted backgrounds). */
function shade(hex: string, f: number): string {
  return '#' + [1, 3, 5].map((i) => Math.round(parseInt(hex.slice(i, i + 2), 16) * f).toString(16).padStart(2, '0')).join('');
}

/** A pale tint of the accent (backgrounds of boxes: the sign-up, the formats' panels). */
function tint(hex: string, f: number): string {
  return '#' + [1, 3, 5].map((i) => { const c = parseInt(hex.slice(i, i + 2), 16); return Math.round(c + (255 - c) * f).toString(16).padStart(2, '0'); }).join('');
}

export function accentOf(pub: Branded): string {
  return normalizeHex(pub.accentColor ?? '') ?? DEFAULT_ACCENT;
}

/** The stylesheet of the brand colours, linked by every public page before site.css's rules use them. */
export function brandCss(pub: Branded): string {
  const a = accentOf(pub);
  return `:root{--accent:${a};--accent-dark:${shade(a, 0.78)};--accent-tint:${tint(a, 0.92)};--accent-wash:${tint(a, 0.97)}}\n`;
}

/** Names the brand stylesheet's content: its URL changes when the colour does. */
export function brandVersion(pub: Branded): string {
  return crypto.createHash('sha1').update(brandCss(pub)).digest('base64url').slice(0, 12);
}
