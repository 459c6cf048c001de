import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadMetricsConfig, type MetricsConfig } from '../platform/config-metrics.js';
import { TENANT_LABEL } from '../metrics/store/tenant-storage.js';
import { Tsdb, type TsdbOptions } from '../tsdb/tsdb.js';

export interface TestMetricsStore {
  readonly dir: string;
  readonly store: Tsdb;
  readonly config: MetricsConfig;
  /** Closes the store and removes its directory. */
  close(): Promise<void>;
}

/** The metrics settings vigil starts with (no VIGIL_METRICS_* set), with `overrides`. */
function testMetricsConfig(overrides: Partial<MetricsConfig> = {}): MetricsConfig {
  const problems: string[] = [];
  return { ...loadMetricsConfig(() => undefined, problems), ...overrides };
}

/** A fresh metrics store in a temporary directory, with maintenance only when a test asks for it. */
export function openTestMetricsStore(
  overrides: Partial<MetricsConfig> = {},
  options: Partial<TsdbOptions> = {},
): TestMetricsStore {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-tsdb-'));
  const config = testMetricsConfig(overrides);
  const store = Tsdb.open({
    dir,
    retention: config.retention,
    partitionLabel: TENANT_LABEL,
    now: () => Date.now(),
    random: (n) => randomBytes(n),
    log: () => {},
    maintenanceInterval: 0,
    ...options,
  });
  return {
    dir,
    store,
    config,
    close: async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
