import { describeStorageConformance } from '../promql/testing/storage-conformance.js';
import type { Storage } from '../promql/engine/storage.js';
import { openTestMetricsStore } from '../testing/metrics-store.js';

// The embedded store passes the same suite as every Storage: once with everything in the head, and once with the
// head cut into blocks before each querier opens, so that selects read blocks (and the head for what comes after).
for (const where of ['head', 'blocks'] as const) {
  describeStorageConformance(`Tsdb (${where})`, async () => {
    const test = openTestMetricsStore();
    const { store } = test;
    const storage: Storage =
      where === 'head'
        ? store
        : {
            async querier(range, options) {
              await store.maintain({ flushHead: true });
              return store.querier(range, options);
            },
          };
    return {
      storage,
      async appendFloats(labels, timestamps, values, stale) {
        const series = store.series(labels);
        const appender = store.appender();
        timestamps.forEach((t, i) => appender.addFloat(series, t, values[i] as number, stale?.[i] === 1));
        appender.commit();
      },
      async appendHistogram(labels, t, histogram) {
        const appender = store.appender();
        appender.addHistogram(store.series(labels), t, histogram);
        appender.commit();
      },
      close: () => test.close(),
    };
  });
}
