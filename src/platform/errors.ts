// Typed domain errors. Domains throw these; the one error handler at the HTTP edge maps them to
// status codes and pages (src/platform/http.ts). Domain code never builds an HTTP response.
export class DomainError extends Error {
  readonly status: number = 500;
  readonly code: string = 'internal';
}

export class NotFoundError extends DomainError {
  override readonly status = 404;
  override readonly code = 'not_found';
  constructor(what = 'Not found') {
    super(what);
  }
}

export class ValidationError extends DomainError {
  override readonly status = 400;
  override readonly code = 'invalid';
  /** Field name -> human message. */
  constructor(message: string, readonly fields: Record<string, string> = {}) {
    super(message);
  }
}

export class ConflictError extends DomainError {
  override readonly status = 409;
  override readonly code = 'conflict';
}

export class ForbiddenError extends DomainError {
  override readonly status = 403;
  override readonly code = 'forbidden';
}

export class UnauthorizedError extends DomainError {
  override readonly status = 401;
  override readonly code = 'unauthorized';
}

/** A body or file over its size limit: refused whole (413), never kept cut short. */
export class TooLargeError extends DomainError {
  override readonly status = 413;
  override readonly code = 'too_large';
}

export class RateLimitedError extends DomainError {
  override readonly status = 429;
  override readonly code = 'rate_limited';
}

/** The database cannot be reached (down, restarting, connections cut): a 503, try again shortly. */
export class UnavailableError extends DomainError {
  override readonly status = 503;
  override readonly code = 'unavailable';
}

/** Errors that mean "the database is not there just now", not "this request is wrong". */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004']);
const UNAVAILABLE_MESSAGE = /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Connection ended unexpectedly)/;

/** SQLSTATEs that mean "this value from outside is not acceptable" (data exceptions, class 22). */
// 22009: a date the column cannot hold (year 10000 and more, or before 4713 BC), found by the fuzz suite.
const INPUT_SQLSTATES = new Set(['22001', '22003', '22007', '22008', '22009', '22021', '22P02', '22P05', '22023', '2201B', '22025', '2200H', '22012', '54001']);
/** What busboy (the multipart parser) throws for a body that is not the multipart it claims to be. */
const MALFORMED_BODY = /^(Multipart: Boundary not found|Unexpected end of (form|file)|Malformed (part header|urlencoded form)|Unexpected end of multipart data|Part terminated early|Malformed part)/;

/**
 * A value the database refused (number out of range, malformed date, unstorable text) came from the
 * request: it is the caller's mistake, a 400, not a 500. Error handlers pass every error through this.
 */
export function asRequestError(err: unknown): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && INPUT_SQLSTATES.has(code)) {
    const e = new ValidationError('The request contains a value we cannot use (a number out of range, a malformed date or text).', {});
    (e as { cause?: unknown }).cause = err;
    return e;
  }
  const message = (err as { message?: unknown } | null)?.message;
  if (!(err instanceof DomainError) && ((typeof code === 'string' && UNAVAILABLE_CODES.has(code)) || (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)))) {
    const e = new UnavailableError('The site cannot reach its database just now. Please try again in a minute.');
    (e as { cause?: unknown }).cause = err;
    return e;
  }
  if (!(err instanceof DomainError) && typeof message === 'string' && MALFORMED_BODY.test(message) && !(err as { statusCode?: number }).statusCode) {
    const e = new ValidationError(`The request body could not be read: ${message}. Send a well-formed multipart/form-data body.`, {});
    (e as { cause?: unknown }).cause = err;
    return e;
  }
  return err;
}

/** The largest id of an `int` column (a bigint one goes to Number.MAX_SAFE_INTEGER). */
export const INT_ID_MAX = 2_147_483_647;

/**
 * A numeric id in an address (`/…/{id}`): digits only, no sign, no leading zero, at most `max` (the
 * column's: INT_ID_MAX for an `int` id, or the database would refuse the value with an error). Any
 * other form (`abc`, `0x1`, `1e0`, ` 1`, too large) names nothing, so it is the same not-found as a
 * missing id. Every surface reads its ids with it.
 */
export function pathId(params: unknown, notFound: string, max = Number.MAX_SAFE_INTEGER): number {
  const v = (params as { id?: unknown } | null | undefined)?.id;
  if (typeof v !== 'string' || !/^[1-9]\d{0,15}$/.test(v) || Number(v) > max) throw new NotFoundError(notFound);
  return Number(v);
}
