import { AppError } from '../platform/errors.js';

/**
 * The Monitor API error catalog. Rendered as Sysdig's `{"errors":[{"reason","message"}]}`, which sdcclient prints as
 * "message: reason" and Terraform parses; `details` carries the reason, `message` the explanation.
 */
export const monitorErrors = {
  /** The same answer for a missing, malformed, unknown, reset or expired credential. */
  unauthorized: () =>
    new AppError(401, 'unauthorized', 'Bad credentials', {
      details: 'Unauthorized',
      headers: { 'www-authenticate': 'Bearer realm="vigil"' },
    }),
  /** IBM's documented body when an instance only accepts IAM tokens. */
  iamOnly: () =>
    new AppError(403, 'iam_only', 'Access is denied', { details: 'Not enough privileges to complete the action' }),
  forbidden: (message = 'Access is denied') =>
    new AppError(403, 'forbidden', message, { details: 'Not enough privileges to complete the action' }),
  notFound: (what: string) => new AppError(404, 'not_found', `${what} not found`, { details: 'Not Found' }),
  badRequest: (message: string, field?: string) =>
    new AppError(400, 'bad_request', message, { details: field ? `Bad Request: ${field}` : 'Bad Request' }),
  conflict: (message: string) => new AppError(409, 'conflict', message, { details: 'Conflict' }),
  csrfMismatch: () =>
    new AppError(
      403,
      'invalid_csrf_token',
      'A request made with the console session cookie must carry the session’s X-CSRF-Token header',
      { details: 'Invalid CSRF token' },
    ),
  missingInstance: () =>
    new AppError(
      400,
      'missing_instance',
      'An IAM token needs the IBMInstanceID header naming the monitoring instance',
      {
        details: 'Bad Request',
      },
    ),
} as const;
