import type { ErrorRenderer } from '../platform/http/surfaces.js';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

/** Sysdig's error body, `{"errors":[{"reason","message"}]}`, for every status of the Monitor API. */
export const renderSysdigError: ErrorRenderer = (error) => ({
  errors: [{ reason: error.extra.details ?? REASONS[error.status] ?? 'Error', message: error.message }],
});
