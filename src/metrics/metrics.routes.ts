import { authenticateMonitorRequests } from '../monitor/auth/monitor-request.js';
import type { Monitor } from '../monitor/monitor.module.js';
import { renderSysdigError } from '../monitor/render.js';
import type { HttpServer } from '../platform/http/create-server.js';
import type { Surface } from '../platform/http/surfaces.js';
import { renderPrometheusError } from './http/render-prometheus-error.js';
import { prometheusApiRoutes } from './http/prometheus-api.routes.js';
import { remoteWriteRoutes } from './http/remote-write.routes.js';
import type { Metrics } from './metrics.module.js';

/**
 * The query API answers in Prometheus's error shape (what Grafana and promtool parse); remote-write, a Monitor API
 * route, in Sysdig's.
 */
export const metricsSurfaces: Surface[] = [
  { prefix: '/prometheus/api/', render: renderPrometheusError },
  { prefix: '/api/v1/', render: renderPrometheusError },
  { prefix: '/api/v1/write', render: renderSysdigError },
  { prefix: '/prometheus/remote/', render: renderSysdigError },
];

/**
 * Registers the metrics plane: remote-write and Prometheus's query API (under `/prometheus/api/v1` and `/api/v1`), all
 * authenticated as Monitor API requests (a Monitor API token, an IAM token with IBMInstanceID, or the console session)
 * and confined to the principal's instance and team scope.
 */
export async function registerMetricsRoutes(app: HttpServer, metrics: Metrics, monitor: Monitor): Promise<void> {
  await app.register(async (scope) => {
    authenticateMonitorRequests(scope, monitor);
    await remoteWriteRoutes(scope, metrics);
  });
  await app.register(async (scope) => {
    authenticateMonitorRequests(scope, monitor);
    await prometheusApiRoutes(scope, metrics, '/prometheus/api/v1');
  });
  await app.register(async (scope) => {
    authenticateMonitorRequests(scope, monitor);
    await prometheusApiRoutes(scope, metrics, '/api/v1');
  });
}
