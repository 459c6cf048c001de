import type { ErrorRenderer } from '../../platform/http/surfaces.js';

/** Prometheus's own error types; an error with one of these codes keeps it. */
const PROMETHEUS_TYPES = new Set([
  'bad_data',
  'execution',
  'timeout',
  'canceled',
  'internal',
  'not_found',
  'not_acceptable',
  'unavailable',
]);

const TYPE_BY_STATUS: Record<number, string> = {
  400: 'bad_data',
  404: 'not_found',
  406: 'not_acceptable',
  422: 'execution',
  499: 'canceled',
  500: 'internal',
  503: 'unavailable',
};

/**
 * Prometheus's error body, `{"status":"error","errorType":…,"error":…}`, for the query API: what Grafana, promtool and
 * Prometheus client libraries parse. Refusals Prometheus has no type for (401, 403, 429) keep vigil's code as their
 * type, so a client shows e.g. `unauthorized: Bad credentials`.
 */
export const renderPrometheusError: ErrorRenderer = (error) => ({
  status: 'error',
  errorType: PROMETHEUS_TYPES.has(error.code) ? error.code : (TYPE_BY_STATUS[error.status] ?? error.code),
  error: error.message,
});
