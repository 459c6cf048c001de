import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { labelsFrom } from '../src/promql/engine/core/labels.js';
import { TENANT_LABEL } from '../src/metrics/store/tenant-storage.js';
import type { HeadSeries } from '../src/tsdb/head/head-series.js';
import { Tsdb } from '../src/tsdb/tsdb.js';
import { BodyEncoder, nodeHosts, shardBatches, type SeriesSet } from './metrics-bodies.js';
import {
  closeConnections,
  duSize,
  knob,
  loadAverage,
  log,
  memoryOf,
  PROMTOOL,
  prometheusAvailable,
  round,
  sendAll,
  startPrometheus,
  startVigilTarget,
  tempDir,
  vigilOwnMetrics,
} from './metrics-harness.js';

/**
 * Benchmark 8: what the metrics store costs on disk and in memory, against Debian's Prometheus 2.42 on the same data.
 *
 * Bytes per sample: `HOSTS` × 100 node_exporter-like series (8 labels; mostly constants and slow counters, some noisy
 * CPU-seconds floats — bench/metrics-bodies.ts) at 15 s for 6 h and a quarter, from a 6 h boundary. vigil: written
 * in-process into a `Tsdb` in 2,000-sample batches (as remote-write requests, with the tenant and `remote_write`
 * labels ingest adds), the head flushed (`maintain({flushHead: true})`) and maintenance run until the three 2 h blocks
 * are merged into one 6 h block; that block's bytes over its samples. Prometheus: the same samples as an OpenMetrics
 * file through `promtool tsdb create-blocks-from openmetrics` (the only way to make its blocks without waiting hours
 * of wall time: it writes 2 h blocks with the same chunk encoder as its head); those covering the same 6 h measured,
 * and — unless VIGIL_BENCH_STORAGE_PROM_COMPACT=0 (the quick run's default) — Prometheus then started on them until
 * its own compactor (which first runs a minute after start) merges them into a 6 h block, which is measured too.
 *
 * Memory: `MEMORY_SERIES` active series written to a real vigil process over HTTP (4 senders, `MEMORY_ROUNDS` rounds),
 * then VmRSS from /proc and V8's heap from vigil's own /metrics; the same bodies into Prometheus for reference.
 *
 * Knobs: VIGIL_BENCH_STORAGE_HOSTS (100 = 10,000 series; quick 10), VIGIL_BENCH_STORAGE_PROM_COMPACT (1; quick 0),
 * VIGIL_BENCH_MEMORY_SERIES (100000), VIGIL_BENCH_MEMORY_ROUNDS (3). Prints `RESULT {json}` for bench/run.ts.
 */

const HOSTS = knob('VIGIL_BENCH_STORAGE_HOSTS', 100, 10);
const PROM_COMPACT = knob('VIGIL_BENCH_STORAGE_PROM_COMPACT', 1, 0) > 0;
const MEMORY_SERIES = knob('VIGIL_BENCH_MEMORY_SERIES', 100_000);
const MEMORY_ROUNDS = knob('VIGIL_BENCH_MEMORY_ROUNDS', 3);
const INTERVAL = 15_000;
const HOUR = 3_600_000;
const SPAN = 6 * HOUR;
// A quarter of an hour past the 6 h range, so that a later block exists and the 6 h range can be compacted.
const ROUNDS = (SPAN + HOUR / 4) / INTERVAL;
const BATCH = 2_000;
// The data start on a 6 h boundary (compaction ranges are aligned to multiples of their length) a day ago.
const START = Math.floor((Date.now() - 24 * HOUR) / SPAN) * SPAN;

interface BlockFigures {
  minTime: number;
  maxTime: number;
  level: number;
  samples: number;
  series: number;
  chunks: number;
  totalBytes: number;
  chunkBytes: number;
  indexBytes: number;
}

interface SizeFigures {
  /** Blocks inside [START, START + 6 h). */
  blocks: BlockFigures[];
  samples: number;
  bytesPerSample: number;
  chunkBytesPerSample: number;
  indexBytesPerSample: number;
}

/** The blocks under `dir` (any directory with a meta.json), with their sizes. */
function blocksIn(dir: string): BlockFigures[] {
  const out: BlockFigures[] = [];
  for (const name of fs.readdirSync(dir)) {
    const blockDir = path.join(dir, name);
    const metaFile = path.join(blockDir, 'meta.json');
    if (!fs.existsSync(metaFile)) continue;
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as {
      minTime: number;
      maxTime: number;
      stats: { numSamples: number; numSeries: number; numChunks: number };
      compaction: { level: number };
    };
    const chunkDir = path.join(blockDir, 'chunks');
    out.push({
      minTime: meta.minTime,
      maxTime: meta.maxTime,
      level: meta.compaction.level,
      samples: meta.stats.numSamples,
      series: meta.stats.numSeries,
      chunks: meta.stats.numChunks,
      totalBytes: duSize(blockDir),
      chunkBytes: fs.existsSync(chunkDir) ? duSize(chunkDir) : 0,
      indexBytes: fs.statSync(path.join(blockDir, 'index')).size,
    });
  }
  return out.sort((a, b) => a.minTime - b.minTime);
}

/** The figures of the blocks covering the 6 h range (the quarter hour after it left out). */
function sizeOf(blocks: readonly BlockFigures[]): SizeFigures {
  const inRange = blocks.filter((b) => b.minTime >= START && b.maxTime <= START + SPAN);
  const sum = (f: (b: BlockFigures) => number) => inRange.reduce((n, b) => n + f(b), 0);
  const samples = sum((b) => b.samples);
  return {
    blocks: inRange,
    samples,
    bytesPerSample: round(sum((b) => b.totalBytes) / samples, 3),
    chunkBytesPerSample: round(sum((b) => b.chunkBytes) / samples, 3),
    indexBytesPerSample: round(sum((b) => b.indexBytes) / samples, 3),
  };
}

function describeSize(name: string, size: SizeFigures): void {
  const spans = size.blocks.map((b) => `${round((b.maxTime - b.minTime) / HOUR, 2)} h (level ${b.level})`).join(', ');
  log(
    `${name}: ${size.bytesPerSample} B/sample on disk (chunks ${size.chunkBytesPerSample}, index ` +
      `${size.indexBytesPerSample}); ${size.samples.toLocaleString('en')} samples in ${size.blocks.length} block(s): ${spans}`,
  );
}

/** vigil: the samples into an in-process store in request-sized batches, then flushed and compacted. */
async function vigilBytesPerSample(
  set: SeriesSet,
): Promise<{ size: SizeFigures; ingestMs: number; compactMs: number }> {
  const dir = tempDir('vigil-bench-storage-');
  const store = Tsdb.open({
    dir,
    retention: 15 * 24 * HOUR,
    partitionLabel: TENANT_LABEL,
    now: () => Date.now(),
    random: (n) => randomBytes(n),
    log: () => {},
    maintenanceInterval: 0,
  });
  try {
    const handles: HeadSeries[] = [];
    for (let s = 0; s < set.count; s++) {
      const pairs = set.labels(s).map((l) => [l.name, l.value] as const);
      handles.push(store.series(labelsFrom([[TENANT_LABEL, 'bench'], ['remote_write', 'true'], ...pairs])));
    }
    const started = performance.now();
    let batches = 0;
    for (const [, batch] of shardBatches(set, 1, BATCH, START, INTERVAL, ROUNDS)) {
      const appender = store.appender();
      for (let i = 0; i < batch.series.length; i++) {
        const check = appender.addFloat(
          handles[batch.series[i] as number] as HeadSeries,
          batch.timestamps[i] as number,
          batch.values[i] as number,
          false,
        );
        if (check !== 'append') throw new Error(`vigil refused a sample: ${check}`);
      }
      appender.commit();
      // Let the head compaction the appender schedules run, as it would between requests.
      if (++batches % 50 === 0) await yieldToLoop();
    }
    const ingestMs = performance.now() - started;
    const compactStarted = performance.now();
    await store.maintain({ flushHead: true });
    for (let runs = 0; runs < 10; runs++) {
      const before = store.stats().compactions;
      await store.maintain();
      if (store.stats().compactions === before) break;
    }
    const compactMs = performance.now() - compactStarted;
    return { size: sizeOf(blocksIn(dir)), ingestMs, compactMs };
  } finally {
    await store.close();
  }
}

/** The same samples as an OpenMetrics text file, for promtool (timestamps in seconds: START and offsets are whole). */
function writeOpenMetrics(set: SeriesSet, file: string): number {
  const prefixes = Array.from({ length: set.count }, (_, s) => {
    const labels = set.labels(s);
    const name = labels.find((l) => l.name === '__name__')?.value ?? '';
    const rest = labels.filter((l) => l.name !== '__name__').map((l) => `${l.name}="${l.value}"`);
    return `${name}{${rest.join(',')}} `;
  });
  const fd = fs.openSync(file, 'w');
  try {
    for (const [, batch] of shardBatches(set, 1, BATCH, START, INTERVAL, ROUNDS)) {
      let text = '';
      for (let i = 0; i < batch.series.length; i++) {
        text += `${prefixes[batch.series[i] as number]}${batch.values[i]} ${(batch.timestamps[i] as number) / 1000}\n`;
      }
      fs.writeSync(fd, text);
    }
    // One sample of another series two hours later: a block after the one following the 6 h range. promtool's blocks
    // start and end at their samples, not on the range's boundaries, so Prometheus's planner merges the 6 h range only
    // once the newest block it considers (it leaves the last one out) starts after it.
    fs.writeSync(fd, `bench_marker 1 ${(START + SPAN + 2 * HOUR + 60_000) / 1000}\n# EOF\n`);
  } finally {
    fs.closeSync(fd);
  }
  return fs.statSync(file).size;
}

function run(command: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err = (err + chunk).slice(-5_000)));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}: ${err}`))));
  });
}

/** Prometheus: promtool's 2 h blocks of the same samples; then, if asked, Prometheus's own compaction of them. */
async function prometheusBytesPerSample(
  set: SeriesSet,
): Promise<{ promtool: SizeFigures; compacted: SizeFigures | null; fileBytes: number; promtoolMs: number }> {
  const dir = tempDir('vigil-bench-promtool-');
  const file = path.join(dir, 'samples.om');
  const fileBytes = writeOpenMetrics(set, file);
  const blocksDir = path.join(dir, 'data');
  const started = performance.now();
  await run(PROMTOOL, ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', file, blocksDir]);
  const promtoolMs = performance.now() - started;
  fs.rmSync(file);
  const promtool = sizeOf(blocksIn(blocksDir));
  if (!PROM_COMPACT) return { promtool, compacted: null, fileBytes, promtoolMs };
  const prometheus = await startPrometheus({ dataDir: blocksDir });
  try {
    // Its compactor first runs a minute after start; it merges the three 2 h blocks (the later one kept apart).
    const deadline = performance.now() + 180_000;
    for (;;) {
      const merged = blocksIn(blocksDir).find((b) => b.level > 1 && b.minTime >= START && b.maxTime <= START + SPAN);
      if (merged) break;
      if (performance.now() > deadline) throw new Error('Prometheus did not compact the 2 h blocks in 3 minutes');
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  } finally {
    await prometheus.stop();
  }
  return { promtool, compacted: sizeOf(blocksIn(blocksDir)), fileBytes, promtoolMs };
}

interface MemoryFigures {
  series: number;
  rssMb: number;
  peakMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  headSeries: number;
  prometheus: { rssMb: number; peakMb: number } | null;
}

/** `MEMORY_SERIES` active series through HTTP into a real vigil, then its memory; the same into Prometheus. */
async function memory(): Promise<MemoryFigures> {
  const set = nodeHosts(Math.ceil(MEMORY_SERIES / 100), INTERVAL, 2);
  const encoder = new BodyEncoder(set);
  const start = Math.floor((Date.now() - HOUR) / INTERVAL) * INTERVAL;
  const perSender: Buffer[][] = Array.from({ length: 4 }, () => []);
  for (const [sender, batch] of shardBatches(set, 4, BATCH, start, INTERVAL, MEMORY_ROUNDS)) {
    (perSender[sender] as Buffer[]).push(encoder.body(batch.series, batch.timestamps, batch.values));
    await yieldToLoop(); // lets the Snappy addon's scratch memory go (see BodyEncoder.body)
  }
  const vigil = await startVigilTarget();
  let figures: Omit<MemoryFigures, 'prometheus'>;
  try {
    await sendAll(vigil, perSender);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const rss = memoryOf(vigil.pid);
    const own = await vigilOwnMetrics(vigil, [
      'vigil_nodejs_heap_size_used_bytes',
      'vigil_nodejs_heap_size_total_bytes',
      'vigil_nodejs_external_memory_bytes',
      'vigil_tsdb_head_series',
    ]);
    const mb = (name: string) => round((own[name] as number) / 2 ** 20);
    figures = {
      series: set.count,
      rssMb: rss?.rssMb ?? NaN,
      peakMb: rss?.peakMb ?? NaN,
      heapUsedMb: mb('vigil_nodejs_heap_size_used_bytes'),
      heapTotalMb: mb('vigil_nodejs_heap_size_total_bytes'),
      externalMb: mb('vigil_nodejs_external_memory_bytes'),
      headSeries: own['vigil_tsdb_head_series'] as number,
    };
  } finally {
    await vigil.stop();
  }
  let prometheus: MemoryFigures['prometheus'] = null;
  if (prometheusAvailable()) {
    const server = await startPrometheus();
    try {
      await sendAll(server, perSender);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      prometheus = memoryOf(server.pid);
    } finally {
      await server.stop();
    }
  }
  return { ...figures, prometheus };
}

log(
  `metrics storage: ${HOSTS * 100} series × 6 h 15 min at 15 s from ${new Date(START).toISOString()}; memory: ` +
    `${MEMORY_SERIES} series × ${MEMORY_ROUNDS} rounds; load average ${loadAverage()}`,
);
const vigilSize = await vigilBytesPerSample(nodeHosts(HOSTS, INTERVAL));
log(
  `vigil: ${Math.round(vigilSize.ingestMs)} ms to append in-process, ${Math.round(vigilSize.compactMs)} ms to flush ` +
    'and compact',
);
describeSize('vigil, after compaction', vigilSize.size);
let prometheusSize: Awaited<ReturnType<typeof prometheusBytesPerSample>> | null = null;
if (fs.existsSync(PROMTOOL)) {
  prometheusSize = await prometheusBytesPerSample(nodeHosts(HOSTS, INTERVAL));
  log(
    `promtool: ${Math.round(prometheusSize.fileBytes / 2 ** 20)} MiB of OpenMetrics into blocks in ` +
      `${Math.round(prometheusSize.promtoolMs)} ms`,
  );
  describeSize('Prometheus 2.42, promtool 2 h blocks', prometheusSize.promtool);
  if (prometheusSize.compacted) describeSize('Prometheus 2.42, compacted by Prometheus', prometheusSize.compacted);
} else {
  log('Prometheus: skipped (no /usr/bin/promtool; apt-get install prometheus, or set VIGIL_BENCH_PROMTOOL)');
}

const memoryFigures = await memory();
closeConnections();
log(
  `vigil memory: ${memoryFigures.headSeries} active series: RSS ${memoryFigures.rssMb} MiB (peak ${memoryFigures.peakMb}` +
    ` MiB), V8 heap used ${memoryFigures.heapUsedMb} MiB of ${memoryFigures.heapTotalMb}, external ` +
    `${memoryFigures.externalMb} MiB (target ≤ 1024 MiB RSS: ${memoryFigures.rssMb <= 1024 ? 'meets target' : 'ABOVE TARGET'})`,
);
if (memoryFigures.prometheus) {
  log(
    `Prometheus 2.42 memory, same series: RSS ${memoryFigures.prometheus.rssMb} MiB (peak ` +
      `${memoryFigures.prometheus.peakMb} MiB)`,
  );
}
log(
  `bytes per sample: vigil ${vigilSize.size.bytesPerSample} (target ≤ 2: ` +
    `${vigilSize.size.bytesPerSample <= 2 ? 'meets target' : 'ABOVE TARGET'}), Prometheus ` +
    `${prometheusSize?.compacted?.bytesPerSample ?? prometheusSize?.promtool.bytesPerSample ?? 'n/a'}`,
);
process.stdout.write(
  `RESULT ${JSON.stringify({
    series: HOSTS * 100,
    vigil: vigilSize.size,
    prometheus: prometheusSize && { promtool: prometheusSize.promtool, compacted: prometheusSize.compacted },
    memory: memoryFigures,
  })}\n`,
);
