import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { MetricsConfig } from '../../platform/config-metrics.js';
import { Tsdb } from '../../tsdb/tsdb.js';
import { TENANT_LABEL } from './tenant-storage.js';

/**
 * Opens the embedded metrics store in `<data dir>/metrics`, partitioned by instance, logging through vigil's logger.
 * Throws TsdbLockedError when another vigil process has it open.
 */
export function openMetricsStore(dataDir: string, config: MetricsConfig, logger: Logger): Tsdb {
  return Tsdb.open({
    dir: path.join(dataDir, 'metrics'),
    retention: config.retention,
    partitionLabel: TENANT_LABEL,
    now: () => Date.now(),
    random: (n) => randomBytes(n),
    log: (level, message, fields) => logger[level](fields ?? {}, message),
  });
}
