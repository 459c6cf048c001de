import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { formatLabels } from '../../promql/engine/core/labels.js';
import { floatHistogram, type FloatHistogram } from '../../promql/engine/histograms/native/float-histogram.js';
import { FLOAT_HISTOGRAM_ENCODING } from '../chunks/encoding.js';
import { FloatHistogramAppender, iterateFloatHistogramChunk } from '../chunks/float-histogram-chunk.js';
import { iterateXorChunk } from '../chunks/xor-chunk.js';
import { Block } from './block.js';
import { compactBlocks } from './compact.js';
import { fixedRandom, samplesFrom, series, tempDir, xorChunk } from './testing/block-fixtures.js';
import { ulid } from './ulid.js';
import { writeBlock, type ChunkInput, type SeriesInput } from './writer.js';

const H = 3_600_000;
const STEP = 15_000;

async function block(
  parent: string,
  created: number,
  minTime: number,
  maxTime: number,
  input: SeriesInput[],
): Promise<Block> {
  const meta = await writeBlock(parent, {
    minTime,
    maxTime,
    series: input,
    level: 1,
    ulid: ulid(created, fixedRandom(created)),
  });
  assert.ok(meta);
  return Block.open(path.join(parent, meta.ulid));
}

/** Chunks of 120 samples every 15 s over [from, to) with values from `value(t)`. */
function chunksOver(from: number, to: number, value: (t: number) => number): ChunkInput[] {
  const chunks: ChunkInput[] = [];
  for (let start = from; start < to; start += 120 * STEP) {
    chunks.push(xorChunk(samplesFrom(start, STEP, Math.min(120, (to - start) / STEP), (i) => value(start + i * STEP))));
  }
  return chunks;
}

interface Decoded {
  labels: string;
  samples: [number, number | 'stale'][];
  chunks: { minT: number; maxT: number; count: number }[];
}

function decodeAll(b: Block): Decoded[] {
  return [...b.index.allPostings()].map((id) => {
    const samples: [number, number | 'stale'][] = [];
    const chunks = b.seriesChunks(id).map((meta) => {
      const { bytes } = b.readChunk(meta.ref);
      let count = 0;
      for (const s of iterateXorChunk(bytes)) {
        samples.push([s.t, s.stale ? 'stale' : s.value]);
        count++;
      }
      return { minT: meta.minT, maxT: meta.maxT, count };
    });
    return { labels: formatLabels(b.seriesLabels(id)), samples, chunks };
  });
}

function closeAll(blocks: readonly Block[]): void {
  for (const b of blocks) b.close();
}

describe('compactBlocks', () => {
  it('merges adjacent blocks by label set, copying chunks byte for byte', async () => {
    const parent = tempDir();
    const a = series({ __name__: 'a' });
    const b = series({ __name__: 'b' });
    const c = series({ __name__: 'c' });
    const inputs = [0, 1, 2].map((i) => {
      const list: SeriesInput[] = [{ labels: a, chunks: chunksOver(i * 2 * H, (i + 1) * 2 * H, (t) => t / STEP) }];
      if (i !== 1) list.push({ labels: b, chunks: chunksOver(i * 2 * H, i * 2 * H + H, () => i) });
      if (i === 1) list.push({ labels: c, chunks: chunksOver(2 * H, 3 * H, () => 7) });
      return list;
    });
    const blocks = await Promise.all(
      inputs.map((input, i) => block(parent, 1000 + i, i * 2 * H, (i + 1) * 2 * H, input)),
    );
    const merged = await compactBlocks(parent, blocks, fixedRandom(9), 5000);
    assert.ok(merged);
    const sources = blocks.map((x) => x.meta.ulid);
    assert.deepEqual(merged, {
      ulid: ulid(5000, fixedRandom(9)),
      minTime: 0,
      maxTime: 6 * H,
      stats: { numSamples: 3 * 480 + 2 * 240 + 240, numSeries: 3, numChunks: 12 + 4 + 2 },
      compaction: {
        level: 2,
        sources,
        parents: blocks.map((x) => ({ ulid: x.meta.ulid, minTime: x.meta.minTime, maxTime: x.meta.maxTime })),
      },
      version: 1,
    });
    const out = Block.open(path.join(parent, merged.ulid));
    try {
      assert.deepEqual(
        [0, 1, 2].map((id) => formatLabels(out.seriesLabels(id))),
        ['{__name__="a"}', '{__name__="b"}', '{__name__="c"}'],
      );
      const bytesOf = (x: Block, id: number): number[][] =>
        x.seriesChunks(id).map((m) => [...x.readChunk(m.ref).bytes]);
      const original = (name: string): number[][] =>
        inputs
          .flat()
          .filter((s) => formatLabels(s.labels).includes(`"${name}"`))
          .flatMap((s) => s.chunks.map((ch) => [...ch.bytes]));
      assert.deepEqual(bytesOf(out, 0), original('a'));
      assert.deepEqual(bytesOf(out, 1), original('b'));
      assert.deepEqual(bytesOf(out, 2), original('c'));
      assert.equal(merged.compaction.sources.length, 3);
    } finally {
      closeAll([...blocks, out]);
    }
  });

  it('merges overlapping blocks sample by sample, the newer block winning at equal times', async () => {
    const parent = tempDir();
    const x = series({ __name__: 'x' });
    const y = series({ __name__: 'y' });
    const older = await block(parent, 1000, 0, 2 * H, [
      { labels: x, chunks: chunksOver(0, 2 * H, (t) => t) },
      { labels: y, chunks: chunksOver(0, H, () => 1) },
    ]);
    // The newer block repeats x from 1 h to 3 h with other values, plus samples off the 15 s grid and a stale marker.
    const app = samplesFrom(H, STEP, 480, (i) => -(H + i * STEP));
    const offGrid = samplesFrom(H + 5_000, 60_000, 30, () => 0.5);
    const all = [...app, ...offGrid].sort((p, q) => p[0] - q[0]);
    const newerChunks: ChunkInput[] = [];
    for (let i = 0; i < all.length; i += 100) newerChunks.push(xorChunk(all.slice(i, i + 100)));
    const stale = xorChunk([[3 * H + STEP, 'stale']]);
    const newer = await block(parent, 2000, H, 4 * H, [{ labels: x, chunks: [...newerChunks, stale] }]);

    const merged = await compactBlocks(parent, [newer, older], fixedRandom(3), 3000);
    assert.ok(merged);
    assert.equal(merged.minTime, 0);
    assert.equal(merged.maxTime, 4 * H);
    const out = Block.open(path.join(parent, merged.ulid));
    try {
      const [gotX, gotY] = decodeAll(out);
      assert.ok(gotX && gotY);
      const expected = new Map<number, number | 'stale'>();
      for (const [t, v] of samplesFrom(0, STEP, 480, (i) => i * STEP)) expected.set(t, v);
      for (const [t, v] of all) expected.set(t, v);
      expected.set(3 * H + STEP, 'stale');
      const want = [...expected].sort((p, q) => p[0] - q[0]);
      assert.deepEqual(gotX.samples, want);
      assert.equal(merged.stats.numSamples, want.length + 240);
      for (const chunk of gotX.chunks) assert.ok(chunk.count <= 120);
      for (let i = 1; i < gotX.chunks.length; i++) {
        assert.ok((gotX.chunks[i] as { minT: number }).minT > (gotX.chunks[i - 1] as { maxT: number }).maxT);
      }
      assert.deepEqual(
        gotY.samples,
        samplesFrom(0, STEP, 240, () => 1),
      );
      assert.equal(gotY.chunks.length, 2, 'chunks of a series only one block holds are copied');
    } finally {
      closeAll([older, newer, out]);
    }
  });

  it('merges overlapping histogram chunks the same way', async () => {
    const parent = tempDir();
    const h = (count: number): FloatHistogram =>
      floatHistogram({
        count,
        sum: count * 2,
        positiveSpans: [{ offset: 0, length: 2 }],
        positiveBuckets: [count / 2, count / 2],
      });
    const histChunk = (points: [number, number][]): ChunkInput => {
      const app = new FloatHistogramAppender();
      for (const [t, c] of points) app.append(t, h(c));
      return {
        minT: app.minT,
        maxT: app.maxT,
        encoding: FLOAT_HISTOGRAM_ENCODING,
        bytes: app.bytes(),
        samples: app.count,
      };
    };
    const labels = series({ __name__: 'latency' });
    const older = await block(parent, 1000, 0, 100_000, [
      {
        labels,
        chunks: [
          histChunk([
            [0, 1],
            [10_000, 2],
            [20_000, 3],
          ]),
        ],
      },
    ]);
    const newer = await block(parent, 2000, 0, 100_000, [
      {
        labels,
        chunks: [
          histChunk([
            [10_000, 20],
            [30_000, 40],
          ]),
        ],
      },
    ]);
    const merged = await compactBlocks(parent, [older, newer], fixedRandom(1), 3000);
    assert.ok(merged);
    const out = Block.open(path.join(parent, merged.ulid));
    try {
      const [meta] = out.seriesChunks(0);
      assert.ok(meta);
      const { encoding, bytes } = out.readChunk(meta.ref);
      assert.equal(encoding, FLOAT_HISTOGRAM_ENCODING);
      assert.deepEqual(
        [...iterateFloatHistogramChunk(bytes)].map((s) => [s.t, s.h.count]),
        [
          [0, 1],
          [10_000, 20],
          [20_000, 3],
          [30_000, 40],
        ],
      );
      assert.equal(merged.stats.numSamples, 4);
    } finally {
      closeAll([older, newer, out]);
    }
  });

  it('refuses to merge overlapping chunks of an encoding it cannot decode, leaving no partial block', async () => {
    const parent = tempDir();
    const labels = series({ __name__: 'z' });
    const foreign = (minT: number, maxT: number): ChunkInput => ({
      minT,
      maxT,
      encoding: 2,
      bytes: Uint8Array.of(0, 1, 9),
      samples: 1,
    });
    const one = await block(parent, 1000, 0, 100, [{ labels, chunks: [foreign(10, 20)] }]);
    const two = await block(parent, 2000, 0, 100, [{ labels, chunks: [foreign(15, 30)] }]);
    await assert.rejects(
      compactBlocks(parent, [one, two], fixedRandom(1), 3000),
      /cannot merge overlapping chunks of encoding 2/,
    );
    assert.deepEqual(fs.readdirSync(parent).sort(), [one.meta.ulid, two.meta.ulid].sort());
    closeAll([one, two]);
  });

  it('returns null for no blocks', async () => {
    assert.equal(await compactBlocks(tempDir(), [], fixedRandom(1), 1), null);
  });
});
