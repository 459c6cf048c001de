import { performance } from 'node:perf_hooks';
import type { LabelMatcher } from '../src/promql/ast.js';
import { Engine } from '../src/promql/engine/engine.js';
import { labelsFrom, type Labels } from '../src/promql/engine/core/labels.js';
import { MemoryStorage } from '../src/promql/testing/memory-storage.js';
import type { QueryValue } from '../src/promql/engine/result.js';
import type { Querier, QuerierOptions, SelectHints, Storage, TimeRange } from '../src/promql/engine/storage.js';
import { seededRandom } from '../src/testing/seeded-random.js';

/**
 * Benchmark 4: the PromQL engine alone, on data held in memory, so that the figures are the engine's cost (selection,
 * windows, rate, aggregation, quantiles) and not a store's. Two data sets over 6 hours at a 30 s scrape interval:
 * 10,000 counters (`x`, 10 jobs × 1,000 instances) and 1,000 classic histograms (`h_bucket`, Prometheus's default
 * buckets). Each query is run once to warm up, then 5 times; the median is reported. The data come from a seeded
 * generator, so every run reads the same samples. Prints `RESULT {json}` for bench/run.ts.
 */

const SCRAPE_INTERVAL = 30_000;
const SAMPLES = 721; // 6 h at 30 s, both ends included
const END = Date.UTC(2025, 0, 1);
const START = END - (SAMPLES - 1) * SCRAPE_INTERVAL;
const JOBS = 10;
const INSTANCES = 1_000;
const HISTOGRAMS = 1_000;
/** Prometheus's default buckets (client_golang's DefBuckets), plus the implicit +Inf. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, Infinity];
const RESET_SERIES = 50;
const RUNS = 5;

/**
 * The harness's in-memory store (src/promql/testing/memory-storage.ts), counting the samples it hands out, which is
 * what "samples read" means below.
 */
class CountingStorage implements Storage {
  readonly store = new MemoryStorage();
  series = 0;
  samplesRead = 0;

  add(labels: Labels, timestamps: Float64Array, values: Float64Array): void {
    this.store.appendSamples(labels, timestamps, values);
    this.series++;
  }

  async querier(range: TimeRange, options?: QuerierOptions): Promise<Querier> {
    const inner = await this.store.querier(range, options);
    return {
      select: async (matchers: readonly LabelMatcher[], selectRange: TimeRange, hints?: SelectHints) => {
        const out = await inner.select(matchers, selectRange, hints);
        for (const series of out) {
          this.samplesRead += series.floats.timestamps.length + (series.histograms?.timestamps.length ?? 0);
        }
        return out;
      },
      labelNames: (matchers, limit) => inner.labelNames(matchers, limit),
      labelValues: (name, matchers, limit) => inner.labelValues(name, matchers, limit),
      series: (matchers, limit) => inner.series(matchers, limit),
      close: () => inner.close(),
    };
  }
}

/** Data set A: counters growing by 0..10 per scrape; a few are reset to zero once, as a restarted process would be. */
function loadCounters(storage: CountingStorage, timestamps: Float64Array, random: () => number): void {
  const resets = new Set<number>();
  while (resets.size < RESET_SERIES) resets.add(Math.floor(random() * JOBS * INSTANCES));
  for (let job = 0; job < JOBS; job++) {
    for (let instance = 0; instance < INSTANCES; instance++) {
      const resetAt = resets.has(job * INSTANCES + instance) ? 1 + Math.floor(random() * (SAMPLES - 1)) : -1;
      const values = new Float64Array(SAMPLES);
      let value = Math.floor(random() * 1_000);
      for (let i = 0; i < SAMPLES; i++) {
        if (i === resetAt) value = 0;
        value += random() * 10;
        values[i] = value;
      }
      const labels = labelsFrom({ __name__: 'x', job: `j${job}`, instance: `i${instance}` });
      storage.add(labels, timestamps, values);
    }
  }
}

/**
 * Data set B: per instance, 0..10 observations per scrape with exponentially distributed latencies (mean 150 ms,
 * so that the 0.99 quantile falls inside the buckets), accumulated into the 12 cumulative `le` counters.
 */
function loadHistograms(storage: CountingStorage, timestamps: Float64Array, random: () => number): void {
  for (let instance = 0; instance < HISTOGRAMS; instance++) {
    const buckets = BUCKETS.map(() => new Float64Array(SAMPLES));
    const counts = new Float64Array(BUCKETS.length);
    for (let i = 0; i < SAMPLES; i++) {
      const observations = Math.floor(random() * 11);
      for (let n = 0; n < observations; n++) {
        const latency = -Math.log(1 - random()) * 0.15;
        for (let b = BUCKETS.length - 1; b >= 0 && latency <= (BUCKETS[b] as number); b--)
          counts[b] = (counts[b] as number) + 1;
      }
      for (let b = 0; b < BUCKETS.length; b++) (buckets[b] as Float64Array)[i] = counts[b] as number;
    }
    BUCKETS.forEach((bound, b) => {
      const le = bound === Infinity ? '+Inf' : String(bound);
      const labels = labelsFrom({ __name__: 'h_bucket', instance: `i${instance}`, le });
      storage.add(labels, timestamps, buckets[b] as Float64Array);
    });
  }
}

interface QueryFigures {
  medianMs: number;
  samplesPerSecond: number;
  samplesRead: number;
  resultSeries: number;
  resultPoints: number;
  runsMs: number[];
}

function resultSize(value: QueryValue): { series: number; points: number } {
  switch (value.resultType) {
    case 'matrix':
      return { series: value.result.length, points: value.result.reduce((sum, s) => sum + s.values.length, 0) };
    case 'vector':
      return { series: value.result.length, points: value.result.length };
    default:
      return { series: 1, points: 1 };
  }
}

/** Every value of the result, to check that none is NaN or infinite (which would mean the data or engine is off). */
function resultValues(value: QueryValue): number[] {
  if (value.resultType === 'matrix') return value.result.flatMap((s) => s.values);
  if (value.resultType === 'vector') return value.result.map((s) => s.v);
  return [];
}

/** Warm-up once, then RUNS timed runs; checks the result's shape before trusting the time. */
async function measure(
  storage: CountingStorage,
  name: string,
  run: () => Promise<{ value: QueryValue }>,
  expectedSeries: number,
): Promise<QueryFigures> {
  await run();
  const runsMs: number[] = [];
  let last: QueryValue | undefined;
  for (let i = 0; i < RUNS; i++) {
    storage.samplesRead = 0;
    const started = performance.now();
    last = (await run()).value;
    runsMs.push(performance.now() - started);
  }
  if (!last) throw new Error(`${name}: no result`);
  const size = resultSize(last);
  if (size.series !== expectedSeries || size.points === 0) {
    throw new Error(`${name}: expected ${expectedSeries} series with points, got ${size.series} × ${size.points}`);
  }
  if (!resultValues(last).every(Number.isFinite)) throw new Error(`${name}: a result value is not finite`);
  const medianMs = [...runsMs].sort((a, b) => a - b)[Math.floor(RUNS / 2)] as number;
  const figures: QueryFigures = {
    medianMs: Number(medianMs.toFixed(1)),
    samplesPerSecond: Math.round(storage.samplesRead / (medianMs / 1000)),
    samplesRead: storage.samplesRead,
    resultSeries: size.series,
    resultPoints: size.points,
    runsMs: runsMs.map((ms) => Number(ms.toFixed(1))),
  };
  process.stdout.write(
    `${name}: median ${figures.medianMs} ms (runs ${figures.runsMs.join(', ')}), ` +
      `${(figures.samplesPerSecond / 1e6).toFixed(1)} M samples/s (${figures.samplesRead} read), ` +
      `result ${size.series} series × ${size.points} points, first value ${resultValues(last)[0]}\n`,
  );
  return figures;
}

const random = seededRandom(6);
const timestamps = Float64Array.from({ length: SAMPLES }, (_, i) => START + i * SCRAPE_INTERVAL);
const storage = new CountingStorage();
const loadStarted = performance.now();
loadCounters(storage, timestamps, random);
loadHistograms(storage, timestamps, random);
const loadMs = Number((performance.now() - loadStarted).toFixed(1));
process.stdout.write(
  `loaded ${storage.series} series × ${SAMPLES} samples (A: ${JOBS * INSTANCES} counters, B: ${HISTOGRAMS} ` +
    `histograms × ${BUCKETS.length} buckets) in ${loadMs} ms\n`,
);

const engine = new Engine(storage);
const SUM_RATE = 'sum by (job) (rate(x[5m]))';
const QUANTILE = 'histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m])))';
const range = (query: string) => () => engine.rangeQuery(query, START, END, SCRAPE_INTERVAL);
const instant = (query: string) => () => engine.instantQuery(query, END);

const rangeSumRate = await measure(storage, `range   ${SUM_RATE}`, range(SUM_RATE), JOBS);
const instantSumRate = await measure(storage, `instant ${SUM_RATE}`, instant(SUM_RATE), JOBS);
const rangeHistogramQuantile = await measure(storage, `range   ${QUANTILE}`, range(QUANTILE), 1);
const instantHistogramQuantile = await measure(storage, `instant ${QUANTILE}`, instant(QUANTILE), 1);

const memory = process.memoryUsage();
const heapUsedMb = Number((memory.heapUsed / 2 ** 20).toFixed(1));
// The samples live in typed arrays, outside V8's heap: reported apart so that heapUsedMb is the engine's own.
const arrayBuffersMb = Number((memory.arrayBuffers / 2 ** 20).toFixed(1));
process.stdout.write(`heap used ${heapUsedMb} MB, typed arrays ${arrayBuffersMb} MB\n`);
process.stdout.write(
  `RESULT ${JSON.stringify({
    loadMs,
    rangeSumRate,
    instantSumRate,
    rangeHistogramQuantile,
    instantHistogramQuantile,
    heapUsedMb,
    arrayBuffersMb,
  })}\n`,
);
