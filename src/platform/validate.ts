// The one input-validation helper: a zod schema applied to input from outside (a form, a JSON body, a
// query string), and on failure one ValidationError (a 400 at the edge) whose `fields` name each bad
// field with its first message. Routes and domain functions alike use it; nothing else turns zod's
// errors into ours.
import type { z } from 'zod';
import { ValidationError } from './errors.ts';

/** Field path ("tags.2", or `whole` for the input itself) -> the first message about it. */
export function fieldErrors(error: z.ZodError, whole = 'input'): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) fields[issue.path.join('.') || whole] ??= issue.message;
  return fields;
}

export interface ParseOptions {
  /**
   * What the input is, for the API's messages: "Invalid article: headline: a headline is required;
   * …". Without it the message is the fields' own messages one after another (for forms, whose
   * messages are written as sentences).
   */
  what?: string;
  /** The field name for a problem with the input as a whole (default "input"). */
  whole?: string;
}

/** The input as the schema reads it, or a ValidationError. An absent body or query is an empty object. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, opts: ParseOptions = {}): z.output<T> {
  const r = schema.safeParse(input === undefined ? {} : input);
  if (r.success) return r.data;
  const fields = fieldErrors(r.error, opts.whole);
  const message = opts.what
    ? `Invalid ${opts.what}: ${Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join('; ')}`
    : Object.values(fields).join(' ');
  throw new ValidationError(message, fields);
}
