import { AppError } from '../../platform/errors.js';

/**
 * Remote-write's refusals. They are rendered in Sysdig's error shape (the ingest endpoints are Monitor API routes);
 * senders log the message, so it says what was refused and why. 4xx are not retried by Prometheus (except 429 when
 * configured); 5xx and 429 are.
 */
export const ingestErrors = {
  readOnly: () =>
    new AppError(403, 'forbidden', 'A Read-only (ROLE_TEAM_READ) member may not write metrics to this team', {
      details: 'Not enough privileges to complete the action',
    }),
  outsideScope: (series: string, scope: string) =>
    new AppError(
      400,
      'outside_team_scope',
      `series ${series} is outside the team's scope (${scope}); nothing of this request was written`,
      { details: 'Bad Request' },
    ),
  unsupportedMediaType: (message: string) =>
    new AppError(415, 'unsupported_media_type', message, { details: 'Unsupported Media Type' }),
  badBody: (message: string) => new AppError(400, 'bad_request', message, { details: 'Bad Request' }),
  rejected: (message: string) => new AppError(400, 'samples_rejected', message, { details: 'Bad Request' }),
  tooLarge: (limit: number) =>
    new AppError(
      413,
      'body_too_large',
      `the request body exceeds VIGIL_METRICS_MAX_BODY_BYTES (${limit} bytes); send smaller batches (max_samples_per_send)`,
      { details: 'Payload Too Large' },
    ),
  limited: (message: string, retryAfter: number) =>
    new AppError(429, 'too_many_requests', message, {
      details: 'Too Many Requests',
      headers: { 'retry-after': String(retryAfter) },
    }),
  storeUnavailable: () =>
    new AppError(503, 'store_unavailable', 'the metrics store could not write to its write-ahead log; retry', {
      details: 'Service Unavailable',
      headers: { 'retry-after': '1' },
    }),
} as const;
