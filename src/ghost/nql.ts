// The part of Ghost's filter language (NQL) that real front ends use, compiled to a parameterised SQL
// condition. Grammar:
//   expr   := and (',' and)*                      ',' is OR
//   and    := term ('+' term)*                    '+' is AND (a space works too: '+' in a URL decodes to one)
//   term   := '(' expr ')' | field ':' ['-'] [op] values
//   op     := '>' | '<' | '>=' | '<=' | '~' | '~^' | '~$'   (comparison, contains, starts with, ends with)
//   values := value | '[' value (',' value)* ']'  a list means "any of"
//   value  := 'quoted string' | "quoted" | bare-token | null | true | false
// A leading '-' negates ("not", or "none of" for a list). Fields are per resource (see ghost/content.ts);
// an unknown field, a bad value or a syntax error is a ValidationError that says what and where.
import { ValidationError } from '../platform/errors.ts';

export type Op = '=' | '>' | '<' | '>=' | '<=' | '~' | '~^' | '~$';

export interface Comparison {
  kind: 'cmp';
  field: string;
  negated: boolean;
  op: Op;
  values: Array<string | number | boolean | null>;
}
export interface Group {
  kind: 'and' | 'or';
  items: Node[];
}
export type Node = Comparison | Group;

type Tok = { t: 'punct'; v: string; pos: number; space: boolean } | { t: 'word'; v: string; pos: number; space: boolean; quoted: boolean };

function bad(filter: string, pos: number, what: string): never {
  throw new ValidationError(`Invalid filter "${filter}": ${what} at position ${pos + 1}.`, { filter: what });
}

function lex(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  let space = false;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      space = true;
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      let v = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && j + 1 < src.length) j++;
        v += src[j];
        j++;
      }
      if (j >= src.length) bad(src, i, 'an unclosed quote');
      out.push({ t: 'word', v, pos: i, space, quoted: true });
      i = j + 1;
    } else if (src.startsWith('>=', i) || src.startsWith('<=', i) || src.startsWith('~^', i) || src.startsWith('~$', i)) {
      out.push({ t: 'punct', v: src.slice(i, i + 2), pos: i, space });
      i += 2;
    } else if ('(),+[]:-><~'.includes(c)) {
      out.push({ t: 'punct', v: c, pos: i, space });
      i++;
    } else if (/^now[+-]\d{1,6}[smhdwMy](?![\w])/.test(src.slice(i, i + 12))) {
      // A relative date (now+1d, now-7d): its + is not NQL's "and".
      const m = /^now[+-]\d{1,6}[smhdwMy]/.exec(src.slice(i, i + 12))!;
      out.push({ t: 'word', v: m[0], pos: i, space, quoted: false });
      i += m[0].length;
    } else {
      let j = i;
      // A bare token runs to the next delimiter; '-' and ':' inside (dates, times) are part of it.
      while (j < src.length && !/[\s(),+\[\]'"]/.test(src[j]!) && !(j === i && '-><~:'.includes(src[j]!))) {
        if (src[j] === ':' && /^[a-z_.]+$/i.test(src.slice(i, j)) && !/^\d/.test(src.slice(i, j))) break; // field:
        j++;
      }
      out.push({ t: 'word', v: src.slice(i, j), pos: i, space, quoted: false });
      i = j;
    }
    space = false;
  }
  return out;
}

/** How deep parentheses may nest in a filter. */
export const MAX_NQL_DEPTH = 32;

export function parseNql(filter: string): Node {
  if (filter.length > 2000) throw new ValidationError('The filter is too long (at most 2,000 characters).', { filter: 'too long' });
  const toks = lex(filter);
  let k = 0;
  const peek = () => toks[k];
  const isPunct = (v: string) => peek()?.t === 'punct' && peek()!.v === v;
  const expect = (v: string) => {
    if (!isPunct(v)) bad(filter, peek()?.pos ?? filter.length, `expected "${v}"`);
    k++;
  };

  const value = (): string | number | boolean | null => {
    const tok = peek();
    if (!tok || tok.t !== 'word') bad(filter, tok?.pos ?? filter.length, 'expected a value');
    k++;
    if (tok.quoted) return tok.v;
    if (tok.v === 'null') return null;
    if (tok.v === 'true') return true;
    if (tok.v === 'false') return false;
    return tok.v;
  };

  let depth = 0;
  const term = (): Node => {
    if (isPunct('(')) {
      // Each group is a level of recursion here and in the SQL: a few dozen is plenty for any real filter.
      if (++depth > MAX_NQL_DEPTH) bad(filter, peek()!.pos, `groups are nested too deep (at most ${MAX_NQL_DEPTH} levels)`);
      k++;
      const e = expr();
      expect(')');
      depth--;
      return e;
    }
    const f = peek();
    if (!f || f.t !== 'word' || f.quoted || !/^[a-z_][a-z_.]*$/i.test(f.v)) bad(filter, f?.pos ?? filter.length, 'expected a field name');
    k++;
    expect(':');
    let negated = false;
    if (isPunct('-')) {
      negated = true;
      k++;
    }
    let op: Op = '=';
    const o = peek();
    if (o?.t === 'punct' && ['>', '<', '>=', '<=', '~', '~^', '~$'].includes(o.v)) {
      op = o.v as Op;
      k++;
    }
    let values: Comparison['values'];
    if (isPunct('[')) {
      k++;
      values = [value()];
      while (isPunct(',')) {
        k++;
        values.push(value());
      }
      expect(']');
      if (op !== '=') bad(filter, o!.pos, 'a list can only be matched for equality');
    } else values = [value()];
    return { kind: 'cmp', field: f.v.toLowerCase(), negated, op, values };
  };

  const and = (): Node => {
    const items = [term()];
    for (;;) {
      if (isPunct('+')) {
        k++;
        items.push(term());
      } else if (peek() && peek()!.space && (peek()!.t === 'word' || isPunct('('))) {
        items.push(term());
      } else break;
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  };

  const expr = (): Node => {
    const items = [and()];
    while (isPunct(',')) {
      k++;
      items.push(and());
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  };

  if (!toks.length) throw new ValidationError('The filter is empty.', { filter: 'empty' });
  const node = expr();
  if (k < toks.length) bad(filter, toks[k]!.pos, `unexpected "${toks[k]!.v}"`);
  return node;
}

/** How one field becomes SQL: `sql(op, values, param)` returns a condition (without negation). */
/** What a filter is evaluated against: `now` for relative dates (now-7d). */
export interface NqlContext {
  now: Date;
}

export type FieldCompiler = (op: Op, values: Comparison['values'], p: (v: unknown) => string, filter: string, ctx: NqlContext) => string;

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** NQL's relative dates, as Ghost: now, now-7d, now+1w (s, m, h, d, w; M months, y years). */
export function relativeDate(v: string, now: Date): Date | null {
  const m = /^now(?:([+-])(\d{1,6})([smhdwMy]))?$/.exec(v.trim());
  if (!m) return null;
  if (!m[1]) return new Date(now);
  const n = Number(m[2]) * (m[1] === '-' ? -1 : 1);
  const d = new Date(now);
  if (m[3] === 'M') d.setUTCMonth(d.getUTCMonth() + n);
  else if (m[3] === 'y') d.setUTCFullYear(d.getUTCFullYear() + n);
  else d.setTime(d.getTime() + n * UNIT_MS[m[3]!]!);
  return d;
}

export function compileNql(node: Node, fields: Record<string, FieldCompiler>, params: unknown[], filter: string, ctx: NqlContext = { now: new Date() }): string {
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const walk = (n: Node): string => {
    if (n.kind !== 'cmp') return `(${n.items.map(walk).join(n.kind === 'and' ? ' AND ' : ' OR ')})`;
    const name = n.field.replace(/\.slug$/, '');
    const compile = fields[name];
    if (!compile) throw new ValidationError(`Cannot filter on "${n.field}". Filterable fields: ${Object.keys(fields).join(', ')}.`, { filter: `unknown field ${n.field}` });
    const cond = compile(n.op, n.values, p, filter, ctx);
    return n.negated ? `NOT coalesce(${cond}, false)` : `coalesce(${cond}, false)`;
  };
  return walk(node);
}

// ---- field compilers used by the resources ---------------------------------------------------

const asText = (v: unknown) => (v === null ? null : String(v));

/** A plain column: equality, lists, comparisons and the ~ family on text. */
export function column(expr: string, kind: 'text' | 'int' | 'bool' | 'time'): FieldCompiler {
  return (op, values, p, filter, ctx) => {
    const conv = (v: unknown): unknown => {
      if (v === null) return null;
      if (kind === 'int') {
        if (!/^\d{1,10}$/.test(String(v))) return -1; // matches nothing, like an unknown id
        return Number(v);
      }
      if (kind === 'bool') {
        if (v === true || v === 'true' || v === 1 || v === '1') return true;
        if (v === false || v === 'false' || v === 0 || v === '0') return false;
        throw new ValidationError(`Invalid filter "${filter}": ${expr.split('.').pop()} is true or false.`, { filter: 'expected true or false' });
      }
      if (kind === 'time') {
        const rel = relativeDate(String(v), ctx.now);
        if (rel) return rel;
        const d = new Date(String(v).replace(' ', 'T').replace(/(T\d\d:\d\d(:\d\d(\.\d+)?)?)$/, '$1Z'));
        // PostgreSQL's timestamptz holds years 4713 BC to 294276 AD; outside 1-9999 is no real filter anyway.
        if (!Number.isNaN(d.getTime()) && (d.getUTCFullYear() < 1 || d.getUTCFullYear() > 9999)) {
          throw new ValidationError(`Invalid filter "${filter}": "${v}" is not a date between the years 1 and 9999.`, { filter: 'date out of range' });
        }
        if (Number.isNaN(d.getTime())) throw new ValidationError(`Invalid filter "${filter}": "${v}" is not a date or time.`, { filter: 'expected a date' });
        return d;
      }
      return asText(v);
    };
    if (values.length > 1) {
      const list = values.filter((v) => v !== null).map(conv);
      const cast = kind === 'int' ? 'int[]' : kind === 'bool' ? 'boolean[]' : kind === 'time' ? 'timestamptz[]' : 'text[]';
      const inList = `${expr} = ANY(${p(list)}::${cast})`;
      return values.includes(null) ? `(${inList} OR ${expr} IS NULL)` : inList;
    }
    const v = conv(values[0]);
    if (v === null) return op === '=' ? `${expr} IS NULL` : 'false';
    switch (op) {
      case '=':
        return `${expr} = ${p(v)}`;
      case '>':
      case '<':
      case '>=':
      case '<=':
        return `${expr} ${op} ${p(v)}`;
      case '~':
        return `${expr}::text ILIKE ${p('%' + escapeLike(String(v)) + '%')}`;
      case '~^':
        return `${expr}::text ILIKE ${p(escapeLike(String(v)) + '%')}`;
      case '~$':
        return `${expr}::text ILIKE ${p('%' + escapeLike(String(v)))}`;
    }
  };
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => '\\' + c);
}

/** A many-to-many relation matched by slug: any related row matches (or, with a list, any of them). */
export function related(existsSql: (cond: string) => string): FieldCompiler {
  return (op, values, p, filter) => {
    if (op !== '=') throw new ValidationError(`Invalid filter "${filter}": relations match by slug only.`, { filter: 'relations match by slug' });
    const slugs = values.filter((v) => v !== null).map(String);
    if (values.includes(null) && !slugs.length) return `NOT ${existsSql('true')}`; // tags:null = has no tags
    return existsSql(`x.slug = ANY(${p(slugs)}::text[])`);
  };
}
