import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { MetricsConfig } from '../platform/config-metrics.js';
import type { Platform } from '../platform/platform.js';
import type { Tsdb } from '../tsdb/tsdb.js';
import { IngestService } from './ingest/ingest.service.js';
import { QueryService } from './query/query.service.js';

/** The metrics plane, assembled. */
export interface Metrics {
  readonly store: Tsdb;
  readonly ingest: IngestService;
  readonly queries: QueryService;
  readonly maxBodyBytes: number;
}

/**
 * The metrics plane's one wiring place: ingest and queries over the store the entry point opened (the store owns a
 * directory and a lock, so it is opened and closed by whoever owns the process), with their own metrics in vigil's
 * registry (samples received and rejected, the store's WAL, head and blocks, query durations).
 */
export function createMetrics(platform: Platform, store: Tsdb, config: MetricsConfig, registry: Registry): Metrics {
  const received = new Counter({
    name: 'vigil_metrics_samples_received_total',
    help: 'Samples (floats and histograms) received over remote-write.',
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'vigil_metrics_samples_rejected_total',
    help: 'Samples refused over remote-write, by reason.',
    labelNames: ['reason'],
    registers: [registry],
  });
  const queryDuration = new Histogram({
    name: 'vigil_metrics_query_duration_seconds',
    help: 'PromQL query evaluation time, instant and range.',
    labelNames: ['kind'],
    buckets: [0.005, 0.025, 0.1, 0.5, 1, 5, 30, 120],
    registers: [registry],
  });
  const stat = (name: string, help: string, read: (s: ReturnType<Tsdb['stats']>) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read(store.stats()));
      },
    });
  stat('vigil_tsdb_head_series', 'Series in the metrics store head (active series).', (s) => s.headSeries);
  stat('vigil_tsdb_wal_bytes', 'Size of the metrics store write-ahead log.', (s) => s.walBytes);
  stat('vigil_tsdb_blocks', 'Blocks of the metrics store on disk.', (s) => s.blocks);
  stat('vigil_tsdb_block_bytes', 'Bytes of the metrics store blocks on disk.', (s) => s.blockBytes);
  stat('vigil_tsdb_compactions', 'Compactions done since start.', (s) => s.compactions);
  stat('vigil_tsdb_compaction_failures', 'Compactions failed since start.', (s) => s.compactionFailures);
  stat('vigil_tsdb_samples_appended', 'Samples appended to the store since start.', (s) => s.samplesAppended);

  return {
    store,
    ingest: new IngestService(
      store,
      config,
      platform.clock,
      {
        received: (n) => received.inc(n),
        rejected: (reason, n) => rejected.inc({ reason }, n),
      },
      platform.reportError,
    ),
    queries: new QueryService(
      store,
      {
        timeout: config.queryTimeout,
        maxSamples: config.queryMaxSamples,
        maxLoadedSamples: config.queryMaxLoadedSamples,
        lookbackDelta: config.lookbackDelta,
      },
      (kind, seconds) => queryDuration.observe({ kind }, seconds),
    ),
    maxBodyBytes: config.maxBodyBytes,
  };
}
