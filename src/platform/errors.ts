/**
 * A failure a client caused or must hear about: a stable code, an HTTP status and a message safe to show. Services
 * throw these; one renderer per surface turns them into that surface's wire shape. Anything else that escapes a
 * handler is unexpected and becomes an opaque 500.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    /** Stable, machine-readable code (`not_found`, `policy_conflict_error`…). */
    readonly code: string,
    message: string,
    readonly extra: {
      /** IBM's BXNIM message code, where the surface has one. */
      readonly messageCode?: string;
      readonly details?: string;
      readonly headers?: Readonly<Record<string, string>>;
    } = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
