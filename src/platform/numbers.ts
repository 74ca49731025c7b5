// Numbers as the publication writes them: its locale's digit grouping and decimal sign (1,234 in
// en-GB and en-US, 1.234 in de-DE, 1 234 in fr-FR), the way dates follow it (src/platform/time.ts).
// One formatter per locale, kept: Intl.NumberFormat is costly to build and the newsroom formats a
// few hundred numbers a page.

/** The locale numbers fall back to (and the configuration's default, LOCALE). */
export const DEFAULT_NUMBER_LOCALE = 'en-GB';

const formats = new Map<string, Intl.NumberFormat>();

function formatter(locale: string | undefined): Intl.NumberFormat {
  const key = locale || DEFAULT_NUMBER_LOCALE;
  let f = formats.get(key);
  if (!f) {
    try {
      f = new Intl.NumberFormat(key, { maximumFractionDigits: 1 });
    } catch {
      // A locale Intl does not know (the settings check it; this is only a guard).
      f = formatter(DEFAULT_NUMBER_LOCALE);
    }
    if (formats.size < 64) formats.set(key, f);
  }
  return f;
}

/** A count or figure in `locale` (at most one decimal): formatNumber(1234, 'de-DE') is "1.234". */
export function formatNumber(n: number, locale: string | undefined): string {
  return formatter(locale).format(n);
}

/** A change with its sign: "+1,234", "−56" (a minus sign, not a hyphen), "0". */
export function formatSigned(n: number, locale: string | undefined): string {
  return n > 0 ? `+${formatNumber(n, locale)}` : n < 0 ? `\u2212${formatNumber(-n, locale)}` : '0';
}
