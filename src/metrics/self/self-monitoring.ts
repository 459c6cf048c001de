import type { Logger } from 'pino';
import type { App } from '../../app.js';
import { labelsFrom } from '../../promql/engine/core/labels.js';
import { readStoredScope, scopeMatchers } from '../../monitor/teams/scope.js';
import type { MetricsConfig } from '../../platform/config-metrics.js';
import type { Writer } from '../ingest/ingest.service.js';
import type { WireMetadata, WireMetricType, WireSeries, WriteRequest } from '../remote-write/decode.js';

type SelfMonitoring = NonNullable<MetricsConfig['selfMonitoring']>;

const TYPES: Readonly<Record<string, WireMetricType>> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  summary: 'summary',
};

/**
 * Writes vigil's own `/metrics` into an instance and team of the operator's choice (VIGIL_SELF_MONITORING) every
 * interval, through the same ingest path as remote-write (the team's scope and the instance's limits apply), with
 * `job="vigil"` and `instance` = the public URL's host. Returns how to stop it.
 */
export async function startSelfMonitoring(
  app: App,
  settings: SelfMonitoring,
  publicUrl: string,
  logger: Logger,
): Promise<{ stop(): void }> {
  const metrics = app.metrics;
  if (metrics === null) throw new Error('self-monitoring needs the metrics store');
  const writer = await resolveWriter(app, settings);
  const instance = new URL(publicUrl).host;
  const registry = app.http.metricsRegistry;
  const scrape = async () => {
    const request = await snapshotOf(registry, instance, Date.now());
    try {
      metrics.ingest.write(writer, request, 1);
    } catch (error) {
      logger.warn({ err: error }, 'self-monitoring: could not write vigil’s own metrics');
    }
  };
  logger.info({ instance: writer.tenant, interval: settings.interval }, 'self-monitoring: writing vigil’s own metrics');
  const timer = setInterval(() => void scrape(), settings.interval);
  timer.unref();
  void scrape();
  return { stop: () => clearInterval(timer) };
}

async function resolveWriter(app: App, settings: SelfMonitoring): Promise<Writer> {
  const { instances, teams } = app.monitor.ctx.repositories;
  let row = await instances.findByGuid(settings.instance);
  if (row === undefined) {
    const operator = await app.iam.accounts.operatorAccountId();
    if (operator !== undefined) row = await instances.findByName(operator, settings.instance);
  }
  if (row === undefined) throw new Error(`VIGIL_SELF_MONITORING: no instance "${settings.instance}"`);
  const teamRows = await teams.listForInstance(row.guid);
  const team =
    settings.team === null ? teamRows.find((t) => t.is_default === 1) : teamRows.find((t) => t.name === settings.team);
  if (team === undefined) {
    throw new Error(`VIGIL_SELF_MONITORING: no team "${settings.team ?? 'default'}" in instance ${row.name}`);
  }
  return { tenant: row.guid, readOnly: false, scope: scopeMatchers(readStoredScope(team.scope)) };
}

/** The registry's current values as one write request. */
async function snapshotOf(
  registry: App['http']['metricsRegistry'],
  instance: string,
  now: number,
): Promise<WriteRequest> {
  const series: WireSeries[] = [];
  const metadata: WireMetadata[] = [];
  for (const metric of await registry.getMetricsAsJSON()) {
    metadata.push({ family: metric.name, type: TYPES[String(metric.type)] ?? 'unknown', help: metric.help, unit: '' });
    for (const value of metric.values) {
      const name = (value as { metricName?: string }).metricName ?? metric.name;
      const pairs: [string, string][] = [
        ['__name__', name],
        ['job', 'vigil'],
        ['instance', instance],
      ];
      for (const [label, v] of Object.entries(value.labels)) if (v !== undefined) pairs.push([label, String(v)]);
      const labels = labelsFrom(pairs);
      series.push({
        key: JSON.stringify(labels),
        labels,
        timestamps: [now],
        values: [value.value],
        stale: [false],
        histograms: [],
      });
    }
  }
  return { series, metadata, exemplars: 0 };
}
