import { performance } from 'node:perf_hooks';
import { floatHistogram, type FloatHistogram } from '../src/promql/engine/histograms/native/float-histogram.js';
import { FloatColumns } from '../src/tsdb/chunks/float-columns.js';
import { FloatHistogramAppender, readFloatHistogramChunk } from '../src/tsdb/chunks/float-histogram-chunk.js';
import { XorAppender, readXorChunk } from '../src/tsdb/chunks/xor-chunk.js';
import { seededRandom } from '../src/testing/seeded-random.js';

/**
 * Benchmark 5: the embedded store's chunk encodings alone (src/tsdb/chunks), since they bound both ingest (every
 * sample is appended to an open chunk) and queries (every sample read is decoded). Float data sets, 10,000 series of
 * 120 samples (one Prometheus-sized chunk each) at a 15 s interval: (a) counters growing by 0..10 per scrape, no
 * timestamp jitter; (b) gauges with random values; (c) the counters of (a) with ±3 ms of timestamp jitter. Plus (d)
 * native histograms, 1,000 series × 120 samples, 12 buckets. Appends go round-robin over the series, as a head
 * ingests scrapes; decoding reads every chunk whole into one reused FloatColumns. One warm-up, then the median of 5
 * runs. The data come from a seeded generator. Prints `RESULT {json}` for bench/run.ts.
 */

const SERIES = 10_000;
const HISTOGRAM_SERIES = 1_000;
const SAMPLES = 120;
const INTERVAL = 15_000;
const START = Date.UTC(2026, 0, 1);
const RUNS = 5;

interface FloatData {
  /** series × SAMPLES, series-major. */
  readonly times: Float64Array;
  readonly values: Float64Array;
}

function floatData(kind: 'counter' | 'gauge' | 'jitter', random: () => number): FloatData {
  const times = new Float64Array(SERIES * SAMPLES);
  const values = new Float64Array(SERIES * SAMPLES);
  for (let s = 0; s < SERIES; s++) {
    const offset = Math.floor(random() * INTERVAL);
    let value = Math.floor(random() * 1_000);
    for (let i = 0; i < SAMPLES; i++) {
      const jitter = kind === 'jitter' ? Math.floor(random() * 7) - 3 : 0;
      times[s * SAMPLES + i] = START + offset + i * INTERVAL + jitter;
      value = kind === 'gauge' ? random() * 100 : value + Math.floor(random() * 11);
      values[s * SAMPLES + i] = value;
    }
  }
  return { times, values };
}

interface Figures {
  appendSamplesPerSecond: number;
  decodeSamplesPerSecond: number;
  bytesPerSample: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function measureFloats(data: FloatData): Figures {
  let chunks: Uint8Array[] = [];
  const append = (): void => {
    const appenders = Array.from({ length: SERIES }, () => new XorAppender());
    for (let i = 0; i < SAMPLES; i++) {
      for (let s = 0; s < SERIES; s++) {
        (appenders[s] as XorAppender).append(
          data.times[s * SAMPLES + i] as number,
          data.values[s * SAMPLES + i] as number,
          false,
        );
      }
    }
    chunks = appenders.map((a) => a.bytes());
  };
  const columns = new FloatColumns(SAMPLES);
  let checksum = 0;
  const decode = (): void => {
    for (const chunk of chunks) {
      columns.length = 0;
      readXorChunk(chunk, -Infinity, Infinity, columns);
      checksum += columns.length;
    }
  };
  const appendMs = timed(append);
  const decodeMs = timed(decode);
  if (checksum !== (RUNS + 1) * SERIES * SAMPLES) throw new Error(`decoded ${checksum} samples`);
  const bytes = chunks.reduce((sum, c) => sum + c.length, 0);
  return figures(appendMs, decodeMs, bytes, SERIES * SAMPLES);
}

function histogramData(random: () => number): FloatHistogram[][] {
  const series: FloatHistogram[][] = [];
  for (let s = 0; s < HISTOGRAM_SERIES; s++) {
    const buckets = new Array<number>(12).fill(0);
    let sum = 0;
    const samples: FloatHistogram[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const observations = Math.floor(random() * 20);
      for (let n = 0; n < observations; n++) {
        const b = Math.min(11, Math.floor(-Math.log(1 - random()) * 3));
        buckets[b] = (buckets[b] as number) + 1;
        sum += random() * 2 ** (b / 2);
      }
      const count = buckets.reduce((a, b) => a + b, 0);
      samples.push(
        floatHistogram({
          counterResetHint: i === 0 ? 'unknown' : 'not_reset',
          schema: 1,
          zeroThreshold: 2 ** -128,
          count,
          sum,
          positiveSpans: [{ offset: -2, length: 12 }],
          positiveBuckets: buckets.slice(),
        }),
      );
    }
    series.push(samples);
  }
  return series;
}

function measureHistograms(data: FloatHistogram[][]): Figures {
  let chunks: Uint8Array[] = [];
  const append = (): void => {
    const appenders = data.map(() => new FloatHistogramAppender());
    for (let i = 0; i < SAMPLES; i++) {
      for (let s = 0; s < data.length; s++) {
        (appenders[s] as FloatHistogramAppender).append(
          START + i * INTERVAL,
          (data[s] as FloatHistogram[])[i] as FloatHistogram,
        );
      }
    }
    chunks = appenders.map((a) => a.bytes());
  };
  let checksum = 0;
  const decode = (): void => {
    for (const chunk of chunks) {
      const outT: number[] = [];
      const outH: FloatHistogram[] = [];
      readFloatHistogramChunk(chunk, -Infinity, Infinity, outT, outH);
      checksum += outT.length;
    }
  };
  const appendMs = timed(append);
  const decodeMs = timed(decode);
  if (checksum !== (RUNS + 1) * HISTOGRAM_SERIES * SAMPLES) throw new Error(`decoded ${checksum} histograms`);
  const bytes = chunks.reduce((sum, c) => sum + c.length, 0);
  return figures(appendMs, decodeMs, bytes, HISTOGRAM_SERIES * SAMPLES);
}

/** One warm-up run, then the median of RUNS timed runs, in ms. */
function timed(run: () => void): number {
  run();
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    run();
    runs.push(performance.now() - started);
  }
  return median(runs);
}

function figures(appendMs: number, decodeMs: number, bytes: number, samples: number): Figures {
  return {
    appendSamplesPerSecond: Math.round(samples / (appendMs / 1000)),
    decodeSamplesPerSecond: Math.round(samples / (decodeMs / 1000)),
    bytesPerSample: Math.round((bytes / samples) * 100) / 100,
  };
}

const random = seededRandom(20261128);
const result = {
  counter: measureFloats(floatData('counter', random)),
  gauge: measureFloats(floatData('gauge', random)),
  jitter: measureFloats(floatData('jitter', random)),
  histogram: measureHistograms(histogramData(random)),
};

const line = (name: string, f: Figures, unit = 'samples') =>
  `${name.padEnd(44)} append ${(f.appendSamplesPerSecond / 1e6).toFixed(2)} M ${unit}/s, decode ` +
  `${(f.decodeSamplesPerSecond / 1e6).toFixed(2)} M ${unit}/s, ${f.bytesPerSample} B/sample`;
process.stdout.write(
  [
    line('(a) counter, 15 s, no jitter:', result.counter),
    line('(b) gauge, random values:', result.gauge),
    line('(c) counter, 15 s, ±3 ms jitter:', result.jitter),
    line('(d) native histogram, 12 buckets:', result.histogram, 'histograms'),
    '',
  ].join('\n'),
);
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
