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

export class RateLimitedError extends DomainError {
  override readonly status = 429;
  override readonly code = 'rate_limited';
}
