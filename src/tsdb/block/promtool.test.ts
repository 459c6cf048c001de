import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { compareLabels, formatLabels } from '../../promql/engine/core/labels.js';
import { iterateXorChunk } from '../chunks/xor-chunk.js';
import { postingsForMatchers } from '../index/postings-for-matchers.js';
import { blockDirs } from './block-dirs.js';
import { Block } from './block.js';
import { compactBlocks } from './compact.js';
import { fixedRandom, samplesFrom, series, tempDir, xorChunk } from './testing/block-fixtures.js';
import { ulid } from './ulid.js';
import { writeBlock, type SeriesInput } from './writer.js';

const HOUR = 3_600_000;
const STEP = 15_000;
const T0 = 1_700_006_400_000; // A multiple of 2 h.

/** Prometheus's tool from the Debian package (2.42 here), an optional system binary rather than a dependency. */
const PROMTOOL = 'promtool';
const available = spawnSync(PROMTOOL, ['--version'], { encoding: 'utf8' });
const skip = available.error ? 'promtool is not on PATH (Debian package prometheus); skipped' : false;

function promtool(...args: string[]): string {
  const run = spawnSync(PROMTOOL, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(run.status, 0, `promtool ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout;
}

/** 40 series (36 instances: more than the index's 32-value sampling step), 4 chunks of 120 samples each per 2 h. */
function fixture(from: number): SeriesInput[] {
  const instances = [
    ...Array.from({ length: 36 }, (_, i) => `node-${String(i).padStart(2, '0')}`),
    'é',
    'ü',
    '\u{1F600}',
    'z',
  ];
  return instances
    .map((instance, i) => {
      const chunks = [0, 1, 2, 3].map((c) =>
        xorChunk(samplesFrom(from + c * 30 * 60_000, STEP, 120, (k) => i * 10_000 + c * 120 + k + (i % 2 ? 0.25 : 0))),
      );
      return { labels: series({ __name__: i < 20 ? 'node_a_total' : 'node_b', instance, job: 'node' }), chunks };
    })
    .sort((a, b) => compareLabels(a.labels, b.labels));
}

describe('promtool reads vigil blocks', { skip }, () => {
  it('analyzes and dumps a written block with every series and sample', async () => {
    const parent = tempDir();
    fs.mkdirSync(path.join(parent, 'wal'));
    const input = fixture(T0);
    const meta = await writeBlock(parent, { minTime: T0, maxTime: T0 + 2 * HOUR, series: input, level: 1 });
    assert.ok(meta);

    const analyze = promtool('tsdb', 'analyze', '--extended', parent, meta.ulid);
    assert.match(analyze, new RegExp(`^Block ID: ${meta.ulid}$`, 'm'));
    assert.match(analyze, /^Duration: 2h0m0s$/m);
    assert.match(analyze, /^Series: 40$/m);
    assert.match(analyze, /^Label names: 3$/m);
    assert.match(analyze, /^Postings \(unique label pairs\): 43$/m);
    assert.match(analyze, /^Postings entries \(total label pairs\): 120$/m);
    assert.match(analyze, /^40 instance$/m);
    assert.match(analyze, /^20 node_a_total$/m);
    assert.match(analyze, /^20 node_b$/m);
    assert.match(analyze, /^ +100%: #+$/m, 'every chunk holds 120 samples');

    const list = promtool('tsdb', 'list', parent);
    assert.match(list, new RegExp(`^${meta.ulid} +${T0} +${T0 + 2 * HOUR} +2h0m0s +19200 +160 +40 `, 'm'));

    const dump = promtool('tsdb', 'dump', parent).trim().split('\n');
    assert.equal(dump.length, 40 * 480);
    assert.ok(dump.includes(`{__name__="node_a_total", instance="node-00", job="node"} 0 ${T0}`));
    assert.ok(
      dump.includes(`{__name__="node_a_total", instance="node-01", job="node"} 10479.25 ${T0 + 2 * HOUR - STEP}`),
    );
    assert.ok(dump.includes(`{__name__="node_b", instance="\u{1F600}", job="node"} 380000 ${T0}`));
  });

  it('reads a block compacted from three 2 h blocks', async () => {
    const parent = tempDir();
    fs.mkdirSync(path.join(parent, 'wal'));
    const blocks: Block[] = [];
    for (let i = 0; i < 3; i++) {
      const from = T0 + i * 2 * HOUR;
      const meta = await writeBlock(parent, {
        minTime: from,
        maxTime: from + 2 * HOUR,
        series: fixture(from),
        level: 1,
        ulid: ulid(1000 + i, fixedRandom(i + 1)),
      });
      assert.ok(meta);
      blocks.push(Block.open(path.join(parent, meta.ulid)));
    }
    const merged = await compactBlocks(parent, blocks, fixedRandom(7), 5000);
    assert.ok(merged);
    for (const b of blocks) {
      b.close();
      fs.rmSync(b.dir, { recursive: true });
    }
    const list = promtool('tsdb', 'list', parent);
    assert.match(list, new RegExp(`^${merged.ulid} +${T0} +${T0 + 6 * HOUR} +6h0m0s +57600 +480 +40 `, 'm'));
    const dump = promtool('tsdb', 'dump', parent).trim().split('\n');
    assert.equal(dump.length, 40 * 1440);
  });

  it('reads blocks Prometheus wrote (promtool tsdb create-blocks-from openmetrics) and compacts them', async () => {
    const parent = tempDir();
    fs.mkdirSync(path.join(parent, 'wal'));
    const lines = ['# TYPE node_b gauge'];
    const expected = new Map<string, [number, number][]>();
    const instances = ['n0', 'n1', 'é', '\u{1F600}', ...Array.from({ length: 36 }, (_, i) => `m${i}`)];
    instances.forEach((instance, i) => {
      const samples: [number, number][] = [];
      // Three hours from an aligned start: Prometheus cuts it into two 2 h-aligned blocks.
      for (let k = 0; k < 720; k++) {
        const t = T0 + k * STEP;
        samples.push([t, i * 1000 + k + 0.5]);
        lines.push(`node_b{instance="${instance}"} ${i * 1000 + k + 0.5} ${t / 1000}`);
      }
      expected.set(formatLabels(series({ __name__: 'node_b', instance })), samples);
    });
    lines.push('# EOF', '');
    const input = path.join(parent, 'input.om');
    fs.writeFileSync(input, lines.join('\n'));
    promtool('tsdb', 'create-blocks-from', 'openmetrics', input, parent);
    const dirs = blockDirs(parent);
    assert.equal(dirs.length, 2);
    const blocks = dirs.map((dir) => Block.open(dir));
    try {
      const got = new Map<string, [number, number][]>();
      for (const block of blocks) {
        assert.deepEqual(block.index.labelNames(), ['__name__', 'instance']);
        assert.deepEqual(block.index.labelValues('instance'), [...instances].sort());
        const ids = postingsForMatchers(block.index, [{ type: '=~', name: 'instance', value: 'n0|é' }]);
        assert.deepEqual(
          [...ids].map((id) => block.seriesLabels(id).find((l) => l.name === 'instance')?.value),
          ['n0', 'é'],
        );
        for (const id of block.index.allPostings()) {
          const key = formatLabels(block.seriesLabels(id));
          const samples = got.get(key) ?? [];
          for (const meta of block.seriesChunks(id)) {
            const { encoding, bytes } = block.readChunk(meta.ref);
            assert.equal(encoding, 1);
            for (const s of iterateXorChunk(bytes)) samples.push([s.t, s.value]);
          }
          got.set(key, samples);
        }
      }
      assert.deepEqual(got, expected);

      const merged = await compactBlocks(parent, blocks, fixedRandom(5), 6000);
      assert.ok(merged);
      assert.equal(merged.stats.numSamples, 40 * 720);
      for (const b of blocks) fs.rmSync(b.dir, { recursive: true });
      const dump = promtool('tsdb', 'dump', parent).trim().split('\n');
      assert.equal(dump.length, 40 * 720);
    } finally {
      for (const b of blocks) b.close();
    }
  });
});
