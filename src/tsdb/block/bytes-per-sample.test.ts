import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { compareLabels, labelsFrom, type Labels } from '../../promql/engine/core/labels.js';
import { XOR_ENCODING } from '../chunks/encoding.js';
import { XorAppender } from '../chunks/xor-chunk.js';
import { Block } from './block.js';
import { compactBlocks } from './compact.js';
import { fixedRandom, tempDir } from './testing/block-fixtures.js';
import { ulid } from './ulid.js';
import { writeBlock, type ChunkInput, type SeriesInput } from './writer.js';

const STEP = 15_000;
const BLOCK = 2 * 3_600_000;
const T0 = 1_700_006_400_000;
const HOSTS = 12;

/** A seeded uniform [0, 1) generator, so the corpus is the same on every run. */
function uniform(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
}

type Next = (i: number) => number;

/**
 * One node_exporter-like host at 15 s, in roughly node_exporter's proportions (most of its ~1,000 series per host are
 * constant or rarely move): 60 constants (info metrics, sizes, `up`), 40 error/drop counters that seldom tick, 20
 * memory and filesystem gauges moving by pages every minute, 24 CPU-seconds counters in 0.01 s ticks (the noisy
 * floats, ~6 B/sample alone), 12 byte counters, 8 packet counters, 4 request counters and a two-decimal load average.
 */
function hostSeries(host: number): { labels: Labels; next: Next }[] {
  const rnd = uniform(host + 1);
  const out: { labels: Labels; next: Next }[] = [];
  const add = (name: string, pairs: Record<string, string>, next: Next): void => {
    out.push({ labels: labelsFrom({ __name__: name, ...pairs, instance: `host-${host}:9100`, job: 'node' }), next });
  };
  const counter = (perStep: () => number, start: number, decimals = 0): Next => {
    let v = start;
    const scale = 10 ** decimals;
    return () => (v = Math.round((v + perStep()) * scale) / scale);
  };
  const walk = (start: number, step: number, quantum: number, changeEvery = 1): Next => {
    let v = start;
    return (i) => {
      if (i % changeEvery === 0) v = Math.max(0, v + Math.round(((rnd() - 0.5) * step) / quantum) * quantum);
      return v;
    };
  };
  for (let i = 0; i < 60; i++)
    add('node_constant_info', { id: String(i) }, () => (i % 3 === 0 ? 1 : 53_660_876_800 + i));
  for (let i = 0; i < 40; i++)
    add(
      'node_errors_total',
      { id: String(i) },
      counter(() => (rnd() < 0.02 ? 1 : 0), i),
    );
  for (let i = 0; i < 20; i++) add('node_memory_bytes', { id: String(i) }, walk(8e9 + i * 1e8, 4096 * 64, 4096, 4));
  for (let cpu = 0; cpu < 4; cpu++) {
    const shares: Record<string, number> = {
      idle: 0.86,
      user: 0.08,
      system: 0.04,
      iowait: 0.01,
      softirq: 0.01,
      steal: 0,
    };
    for (const [mode, share] of Object.entries(shares)) {
      add(
        'node_cpu_seconds_total',
        { cpu: String(cpu), mode },
        counter(() => (share === 0 ? 0 : Math.round(share * 1500 * (0.8 + 0.4 * rnd())) / 100), 1_000_000 * share, 2),
      );
    }
  }
  for (const device of ['eth0', 'eth1', 'lo', 'sda', 'sdb', 'dm-0']) {
    const rate = device === 'eth0' || device === 'sda' ? 60_000 : 2_000;
    add(
      'node_io_read_bytes_total',
      { device },
      counter(() => Math.round(rate * (0.5 + rnd())), 1e9),
    );
    add(
      'node_io_written_bytes_total',
      { device },
      counter(() => Math.round(rate * (0.5 + rnd())), 8e8),
    );
  }
  for (const device of ['eth0', 'eth1', 'sda', 'sdb']) {
    add(
      'node_io_packets_total',
      { device, direction: 'in' },
      counter(() => Math.round(20 * (0.5 + rnd())), 1e7),
    );
    add(
      'node_io_packets_total',
      { device, direction: 'out' },
      counter(() => Math.round(20 * (0.5 + rnd())), 1e7),
    );
  }
  for (const code of ['200', '500']) {
    for (const handler of ['/api', '/metrics']) {
      const rate = code === '200' ? 30 : 0.05;
      add(
        'http_requests_total',
        { code, handler },
        counter(() => (rnd() < rate ? Math.round(rate * 2 * rnd()) : 0), 100),
      );
    }
  }
  add('node_load1', {}, walk(0.5, 0.2, 0.01));
  return out;
}

/** Chunks the way the head cuts them at 15 s: 4 chunks of 120 samples per 2 h block. */
function blockInput(all: { labels: Labels; next: Next }[], block: number): SeriesInput[] {
  return all.map(({ labels, next }) => {
    const chunks: ChunkInput[] = [];
    for (let c = 0; c < 4; c++) {
      const app = new XorAppender();
      for (let k = 0; k < 120; k++) {
        const i = block * 480 + c * 120 + k;
        app.append(T0 + i * STEP, next(i), false);
      }
      chunks.push({ minT: app.minT, maxT: app.maxT, encoding: XOR_ENCODING, bytes: app.bytes(), samples: app.count });
    }
    return { labels, chunks };
  });
}

describe('bytes per sample', () => {
  it('stays under 2 B/sample for node_exporter-like data once compacted to 6 h', async () => {
    const parent = tempDir();
    const all = Array.from({ length: HOSTS }, (_, h) => hostSeries(h))
      .flat()
      .sort((a, b) => compareLabels(a.labels, b.labels));
    const blocks: Block[] = [];
    for (let b = 0; b < 3; b++) {
      const meta = await writeBlock(parent, {
        minTime: T0 + b * BLOCK,
        maxTime: T0 + (b + 1) * BLOCK,
        series: blockInput(all, b),
        level: 1,
        ulid: ulid(1000 + b, fixedRandom(b + 1)),
      });
      assert.ok(meta);
      blocks.push(Block.open(path.join(parent, meta.ulid)));
    }
    const merged = await compactBlocks(parent, blocks, fixedRandom(4), 2000);
    assert.ok(merged);
    const six = Block.open(path.join(parent, merged.ulid));
    try {
      const perSample = (b: Block): number => b.sizeOnDisk() / b.meta.stats.numSamples;
      const two = perSample(blocks[0] as Block);
      const compacted = perSample(six);
      console.log(
        `bytes/sample: ${all.length} series at 15 s, 2 h block ${two.toFixed(3)}, 6 h block ${compacted.toFixed(3)} ` +
          `(${six.sizeOnDisk()} B for ${six.meta.stats.numSamples} samples)`,
      );
      assert.equal(six.meta.stats.numSamples, all.length * 1440);
      assert.ok(compacted < two);
      assert.ok(compacted <= 2, `${compacted.toFixed(3)} B/sample`);
    } finally {
      for (const b of [...blocks, six]) b.close();
    }
  });
});
