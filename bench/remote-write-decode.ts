import { performance } from 'node:perf_hooks';
import { decodeWriteRequest, decodeWriteRequestProto } from '../src/metrics/remote-write/decode.js';
import { uncompressBody } from '../src/metrics/remote-write/snappy-body.js';
import { encodeV1, snappy, type V1TimeSeriesInput } from '../src/metrics/remote-write/testing/encoder.js';

/**
 * Benchmark 6: decoding a remote-write 1.0 body as Prometheus sends it (max_samples_per_send 2000, one sample per
 * series), 2,000 series of 8 labels each, built with the independent protobufjs encoder. Measured: the whole
 * `decodeWriteRequest` (Snappy + protobuf), the protobuf part alone, Snappy alone, and the protobuf part with every
 * series' labels read too (what a request of series the ingest path has never seen costs). Each figure is the median
 * of 7 rounds of about 0.25 s after a warm-up, the four taking turns. Prints `RESULT {json}` for bench/run.ts.
 */

const SERIES = 2_000;
const ROUNDS = 7;
const ROUND_MS = 250;
const NOW = Date.UTC(2026, 10, 1);

function series(i: number): V1TimeSeriesInput {
  return {
    labels: [
      { name: '__name__', value: `node_cpu_seconds_total_${i % 100}` },
      { name: 'cluster', value: 'prod-eu-de-1' },
      { name: 'cpu', value: String(i % 16) },
      { name: 'instance', value: `10.0.${(i >> 8) & 255}.${i & 255}:9100` },
      { name: 'job', value: 'node-exporter' },
      { name: 'mode', value: ['idle', 'user', 'system', 'iowait'][i % 4] as string },
      { name: 'namespace', value: `team-${i % 20}` },
      { name: 'pod', value: `node-exporter-${(i * 7919) % 100000}-x2k4p` },
    ],
    samples: [{ value: i * 1.5 + 0.25, timestamp: NOW + (i % 15) * 1000 }],
  };
}

/**
 * Operations per second of each function, the median of ROUNDS rounds; the functions take turns within each round, so
 * that a change in the machine's load (it is shared) weighs on all of them alike.
 */
function measure(runs: readonly (() => unknown)[]): number[] {
  for (const run of runs) {
    const deadline = performance.now() + ROUND_MS;
    while (performance.now() < deadline) run();
  }
  const rates: number[][] = runs.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    runs.forEach((run, k) => {
      let n = 0;
      const start = performance.now();
      let elapsed = 0;
      do {
        run();
        n++;
        elapsed = performance.now() - start;
      } while (elapsed < ROUND_MS);
      rates[k]?.push((n * 1000) / elapsed);
    });
  }
  return rates.map((r) => r.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)] as number);
}

const raw = encodeV1({ timeseries: Array.from({ length: SERIES }, (_, i) => series(i)) });
const body = snappy(raw);
const decoded = decodeWriteRequest(body, 1);
if (decoded.series.length !== SERIES || decoded.series[SERIES - 1]?.labels.length !== 8) {
  throw new Error('the benchmark body did not decode as built');
}

const [full, protoOnly, snappyOnly, withLabels] = measure([
  () => decodeWriteRequest(body, 1),
  () => decodeWriteRequestProto(raw, 1),
  () => uncompressBody(body),
  () => {
    let labels = 0;
    for (const s of decodeWriteRequestProto(raw, 1).series) labels += s.labels.length;
    return labels;
  },
]).map((perSecond) => perSecond * SERIES) as [number, number, number, number];

const result = {
  series: SERIES,
  labelsPerSeries: 8,
  rawBytes: raw.length,
  snappyBytes: body.length,
  samplesPerSecond: {
    includingSnappy: Math.round(full),
    excludingSnappy: Math.round(protoOnly),
    snappyAlone: Math.round(snappyOnly),
    excludingSnappyLabelsRead: Math.round(withLabels),
  },
};
const m = (n: number) => `${(n / 1e6).toFixed(2)} M samples/s`;
process.stdout.write(
  `body: ${SERIES} series × 8 labels × 1 sample, ${raw.length} bytes raw, ${body.length} bytes Snappy\n` +
    `decodeWriteRequest (Snappy + protobuf): ${m(full)}\n` +
    `protobuf only:                          ${m(protoOnly)}\n` +
    `Snappy only:                            ${m(snappyOnly)}\n` +
    `protobuf only, every label read:        ${m(withLabels)}\n`,
);
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
