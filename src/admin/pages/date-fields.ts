// The newsroom's date and time fields: text fields in the publication's format (a day as 2026-11-25,
// a time on the 24-hour clock, both in the publication's time zone), never the browser's date or
// time picker, which shows the browser's own format (mm/dd/yyyy, 07:00 AM) whatever the publication
// uses. Each field says the format and the zone, and a filled day is repeated in words beside it, so
// a typo is seen before it is submitted. See docs/decisions/0072-newsroom-date-fields.md.
import { html, raw, type SafeHtml } from '../../platform/html.ts';
import { humanDay, parseDay } from '../../platform/time.ts';

export interface DayFieldOptions {
  id: string;
  name: string;
  label: string;
  /** The day, as YYYY-MM-DD, or empty. */
  value: string;
  locale: string;
  required?: boolean;
  /** Said after the format, e.g. "the last day of access". */
  hint?: string;
  /** Laid out on one line (the filters above a list) instead of stacked. */
  inline?: boolean;
  /** What is wrong with the value (shown beside the field, the newsroom's field-error style; `value` is then what was typed). */
  error?: string;
}

export function dayField(o: DayFieldOptions): SafeHtml {
  const day = o.value ? parseDay(o.value) : null;
  const hintId = `${o.id}-hint`;
  const errorId = `${o.id}-error`;
  // A value with an error is what was typed: kept whole (no maxlength cuts it), escaped by html``.
  const input = html`<input id="${o.id}" name="${o.name}" type="text" inputmode="numeric" autocomplete="off" placeholder="YYYY-MM-DD"${o.error ? '' : raw(' maxlength="10"')} size="11" pattern="\\d{4}-\\d{1,2}-\\d{1,2}" title="A date written year-month-day, like 2026-11-25" value="${o.value}" aria-describedby="${o.error ? `${hintId} ${errorId}` : hintId}"${o.error ? raw(' aria-invalid="true"') : ''}${o.required ? raw(' required') : ''}>`;
  const hint = html`<span id="${hintId}" class="hint date-hint">${day ? html`${humanDay(day, o.locale)}. ` : ''}Year-month-day, like 2026-11-25${o.hint ? html`; ${o.hint}` : ''}.</span>`;
  const error = o.error ? html`<p class="field-error" id="${errorId}">${o.error}</p>` : html``;
  // Inline (the filters above a list): label, field, hint and error kept together as one cell of the row.
  return o.inline
    ? html`<div class="date-field"><label for="${o.id}">${o.label}</label>${input}${hint}${error}</div>`
    : html`<label for="${o.id}">${o.label}</label>${input}${hint}${error}`;
}

/** A time of day on the 24-hour clock in the publication's time zone ("07:00"). */
export function clockField(o: { id: string; name: string; label: string; value: string; timeZone: string; required?: boolean }): SafeHtml {
  const hintId = `${o.id}-hint`;
  return html`<label for="${o.id}">${o.label}</label><input id="${o.id}" name="${o.name}" type="text" inputmode="numeric" autocomplete="off" placeholder="HH:MM" maxlength="5" size="6" pattern="([01]?\\d|2[0-3])[:.][0-5]\\d" title="A time on the 24-hour clock, like 07:00 or 18:30" value="${o.value}" aria-describedby="${hintId}"${o.required ? raw(' required') : ''}><span id="${hintId}" class="hint">24-hour clock, in ${o.timeZone}, like 07:00 or 18:30.</span>`;
}
