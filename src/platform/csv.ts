// CSV for people who open it in a spreadsheet. A cell that begins with "=", "+", "-", "@", a tab or
// a carriage return is a formula to Excel, LibreOffice and Google Sheets (HYPERLINK, DDE, WEBSERVICE:
// "formula injection"), and values such as subscriber names come from anyone who signs up. Such a
// cell is written with a leading apostrophe, which spreadsheets show as text and do not evaluate
// (OWASP's advice); our own importers take the apostrophe off again, so an export re-imports as it was.
import { lazyPackage } from './lazy.ts';

const csvStringify = lazyPackage<typeof import('csv-stringify/sync')>('csv-stringify/sync');

const FORMULA_START = /^[=+\-@\t\r]/;
/** Full-width forms some spreadsheets also read as formula signs. */
const WIDE_FORMULA_START = /^[\uFF1D\uFF0B\uFF0D\uFF20]/;

/** One cell made safe to open in a spreadsheet. */
export function spreadsheetSafe(value: string): string {
  return FORMULA_START.test(value) || WIDE_FORMULA_START.test(value) ? `'${value}` : value;
}

/** The value spreadsheetSafe wrote, read back. */
export function fromSpreadsheetSafe(value: string): string {
  return value.length > 1 && value[0] === "'" && (FORMULA_START.test(value.slice(1)) || WIDE_FORMULA_START.test(value.slice(1))) ? value.slice(1) : value;
}

/** Rows as CSV (RFC 4180 quoting), every cell spreadsheet-safe. */
export function toSafeCsv(rows: string[][]): string {
  return csvStringify().stringify(rows.map((r) => r.map(spreadsheetSafe)));
}
