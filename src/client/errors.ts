/**
 * What a call to vigil can fail with, whichever surface answered: the server's own message and code (IBM IAM's
 * `{errors:[{code, message}]}`, the token endpoint's `{errorCode, errorMessage}`, Sysdig's `{errors:[{reason,
 * message}]}`), or that the server could not be reached at all.
 */
export class VigilApiError extends Error {
  override readonly name = 'VigilApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | undefined,
  ) {
    super(message);
  }
}

export class VigilConnectionError extends Error {
  override readonly name = 'VigilConnectionError';

  constructor(
    readonly endpoint: string,
    readonly reason: string,
  ) {
    super(`cannot reach vigil at ${endpoint}: ${reason}`);
  }
}

interface ErrorBodies {
  errors?: { code?: unknown; reason?: unknown; message?: unknown; details?: unknown }[];
  errorCode?: unknown;
  errorType?: unknown;
  errorMessage?: unknown;
  error?: unknown;
  message?: unknown;
}

/** Reads the code and message out of any of vigil's error bodies; falls back to the HTTP status line. */
export function apiErrorFrom(status: number, statusText: string, body: unknown, requestId?: string): VigilApiError {
  const bodies = (typeof body === 'object' && body !== null ? body : {}) as ErrorBodies;
  const first = Array.isArray(bodies.errors) ? bodies.errors[0] : undefined;
  const said =
    text(first?.message) ?? text(bodies.errorMessage) ?? text(bodies.message) ?? text(bodies.error) ?? statusText;
  // IBM puts the specific part of some errors in `details` ("Object type User with id … could not be found.").
  const details = text(first?.details);
  const message = details && !said.includes(details) ? `${said}: ${details}` : said;
  const code =
    text(first?.code) ?? text(first?.reason) ?? text(bodies.errorCode) ?? text(bodies.errorType) ?? `http_${status}`;
  return new VigilApiError(status, code, message || `HTTP ${status}`, requestId);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
