// Time zones: times are shown in the publication's time zone and locale, with a machine-readable
// ISO 8601 value (with offset) for <time datetime>, JSON-LD and feeds; local wall-clock times (the
// newsroom's datetime-local inputs, newsletter slots, the demo's hours) are turned into instants.
import { ValidationError } from './errors.ts';
const dtfCache = new Map<string, Intl.DateTimeFormat>();

/** Whether `tz` is an IANA time zone this runtime knows (Europe/London, America/New_York, UTC). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Whether `locale` is a BCP 47 locale tag (en-GB, fr). */
export function isLocale(locale: string): boolean {
  try {
    new Intl.DateTimeFormat(locale);
    return true;
  } catch {
    return false;
  }
}

function dtf(locale: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = locale + JSON.stringify(opts);
  let f = dtfCache.get(key);
  if (!f) dtfCache.set(key, (f = new Intl.DateTimeFormat(locale, opts)));
  return f;
}

/** Offset of `timeZone` from UTC at `date`, in minutes (e.g. +60 for Europe/London in summer). */
export function zoneOffsetMinutes(date: Date, timeZone: string): number {
  const parts = dtf('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(date);
  const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
  if (!m) return 0;
  const mins = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -mins : mins;
}

/** ISO 8601 in the given zone with its offset: 2026-11-25T09:30:00+01:00. */
export function isoInZone(date: Date, timeZone: string): string {
  const off = zoneOffsetMinutes(date, timeZone);
  const local = new Date(date.getTime() + off * 60_000);
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${local.toISOString().slice(0, 19)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** "25 November 2026, 09:30" (locale-dependent), in the publication's zone. */
export function humanDateTime(date: Date, timeZone: string, locale: string): string {
  return dtf(locale, { timeZone, day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(date);
}

export function humanDate(date: Date, timeZone: string, locale: string): string {
  return dtf(locale, { timeZone, day: 'numeric', month: 'long', year: 'numeric' }).format(date);
}

/** The UTC instant of a local wall-clock time in `timeZone` (DST-aware). */
export function zonedTimeToUtc(y: number, mo: number, d: number, h: number, mi: number, timeZone: string): Date {
  const guess = new Date(Date.UTC(y, mo - 1, d, h, mi));
  const off1 = zoneOffsetMinutes(guess, timeZone);
  const first = new Date(guess.getTime() - off1 * 60_000);
  const off2 = zoneOffsetMinutes(first, timeZone);
  return off1 === off2 ? first : new Date(guess.getTime() - off2 * 60_000);
}

/** The local calendar date (YYYY-MM-DD) of an instant in `timeZone`. */
export function localDate(date: Date, timeZone: string): string {
  return dtf('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}

/** "2026-11-25T09:30" in the publication's zone, for <input type="datetime-local">. */
export function toLocalInput(d: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(d);
  const g = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return `${g('year')}-${g('month')}-${g('day')}T${g('hour')}:${g('minute')}`;
}

/** The instant a datetime-local value means in `timeZone`; a ValidationError on `field` otherwise. */
export function fromLocalInput(v: string, timeZone: string, field = 'publish_at'): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ]\s*(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(v.trim());
  if (!m) throw new ValidationError('Give the publish time as a date and a 24-hour time, like 2026-11-25 09:30.', { [field]: 'Write it like 2026-11-25 09:30.' });
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) throw new ValidationError('That publish time is not a real date and time.', { [field]: 'Not a real date and time.' });
  return zonedTimeToUtc(y, mo, d, h, mi, timeZone);
}

/**
 * A calendar day typed into the newsroom ("2026-11-25", the order the publish time uses): the same
 * day normalised, or null when it is not a real date. The newsroom does not use the browser's date
 * picker, which shows the browser's format (mm/dd/yyyy), not the publication's (decision 0072).
 */
export function parseDay(v: string): string | null {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(v.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (y < 1000 || check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  return `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** A day ("2026-11-25") in words in the publication's locale: "Wednesday 25 November 2026". */
export function humanDay(day: string, locale: string): string {
  return dtf(locale, { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(`${day}T12:00:00Z`));
}

/** A 24-hour wall-clock time typed into the newsroom ("7:05", "07:05"): "07:05", or null. */
export function parseClockTime(v: string): string | null {
  const m = /^(\d{1,2})[:.](\d{2})$/.exec(v.trim());
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) return null;
  return `${m[1]!.padStart(2, '0')}:${m[2]}`;
}

/** "09:30:12": the time of day of an instant on the 24-hour clock in `timeZone` (the autosave's "saved at"). */
export function clockTimeInZone(date: Date, timeZone: string): string {
  return dtf('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(date);
}
