import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { compareLabels, type Labels } from '../../promql/engine/core/labels.js';
import { TsdbCorruptionError } from '../chunks/errors.js';
import { IndexFile } from '../index/index-file.js';
import { postingsForMatchers } from '../index/postings-for-matchers.js';
import { Block } from './block.js';
import { readMeta } from './meta.js';
import { samplesFrom, series, tempDir, xorChunk } from './testing/block-fixtures.js';
import { isUlid, ulid } from './ulid.js';
import { writeBlock, type SeriesInput } from './writer.js';

const T0 = 1_700_000_000_000;
const HOUR = 3_600_000;
const INSTANCES = ['a', 'b', 'é', 'z', '\u{1F600}', '\uFFFD', ...Array.from({ length: 40 }, (_, i) => `host-${i}`)];

/** Series with 1–3 chunks each, several metrics and instances, non-ASCII and astral label values included. */
function fixtureSeries(): SeriesInput[] {
  const out: SeriesInput[] = [];
  INSTANCES.forEach((instance, i) => {
    for (const name of ['up', 'requests_total']) {
      const chunks = [];
      const n = 1 + ((i + name.length) % 3);
      for (let c = 0; c < n; c++) {
        chunks.push(xorChunk(samplesFrom(T0 + c * 30 * 60_000, 15_000, 30, (k) => i * 1000 + c * 100 + k)));
      }
      const labels: Record<string, string> =
        i % 4 === 0 ? { __name__: name, instance } : { __name__: name, instance, job: `job-${i % 3}` };
      out.push({ labels: series(labels), chunks });
    }
  });
  return out.sort((a, b) => compareLabels(a.labels, b.labels));
}

async function writeFixture(parent: string, segmentBytes?: number): Promise<{ dir: string; input: SeriesInput[] }> {
  const input = fixtureSeries();
  const meta = await writeBlock(parent, {
    minTime: T0,
    maxTime: T0 + 2 * HOUR,
    series: input,
    level: 1,
    ulid: ulid(T0, () => new Uint8Array(10).fill(7)),
    ...(segmentBytes === undefined ? {} : { segmentBytes }),
  });
  assert.ok(meta);
  return { dir: path.join(parent, meta.ulid), input };
}

function contents(
  block: Block,
): { labels: Labels; chunks: { minT: number; maxT: number; encoding: number; bytes: number[] }[] }[] {
  return [...block.index.allPostings()].map((id) => ({
    labels: block.seriesLabels(id),
    chunks: block.seriesChunks(id).map((c) => {
      const { encoding, bytes } = block.readChunk(c.ref);
      return { minT: c.minT, maxT: c.maxT, encoding, bytes: [...bytes] };
    }),
  }));
}

function expected(input: readonly SeriesInput[]): ReturnType<typeof contents> {
  return input.map((s) => ({
    labels: s.labels,
    chunks: s.chunks.map((c) => ({ minT: c.minT, maxT: c.maxT, encoding: c.encoding, bytes: [...c.bytes] })),
  }));
}

describe('writeBlock then Block.open', () => {
  it('reads back every series, label and chunk byte for byte, across several chunk files', async () => {
    const parent = tempDir();
    const { dir, input } = await writeFixture(parent, 600);
    assert.deepEqual(fs.readdirSync(parent), [path.basename(dir)]);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['chunks', 'index', 'meta.json', 'tombstones']);
    const chunkFiles = fs.readdirSync(path.join(dir, 'chunks')).sort();
    assert.ok(chunkFiles.length > 3);
    assert.deepEqual(
      chunkFiles,
      chunkFiles.map((_, i) => String(i + 1).padStart(6, '0')),
    );
    assert.deepEqual([...fs.readFileSync(path.join(dir, 'tombstones'))], [0x01, 0x30, 0xba, 0x30, 1, 0, 0, 0, 0]);

    const block = Block.open(dir);
    try {
      assert.deepEqual(contents(block), expected(input));
      assert.deepEqual(
        [...block.index.allPostings()],
        input.map((_, i) => i),
      );
      assert.ok(
        block.seriesChunks(input.length - 1).some((c) => c.ref >= 2 ** 32),
        'refs carry the file sequence',
      );
      const files = [...fs.readdirSync(dir).filter((f) => f !== 'chunks'), ...chunkFiles.map((f) => `chunks/${f}`)];
      assert.equal(
        block.sizeOnDisk(),
        files.reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0),
      );
    } finally {
      block.close();
    }
  });

  it('answers the index questions as the input implies', async () => {
    const { dir, input } = await writeFixture(tempDir());
    const block = Block.open(dir);
    try {
      const { index } = block;
      assert.deepEqual(index.labelNames(), ['__name__', 'instance', 'job']);
      assert.deepEqual(index.labelValues('instance'), [...INSTANCES].sort());
      assert.deepEqual(index.labelValues('job'), ['job-0', 'job-1', 'job-2']);
      assert.deepEqual(index.labelValues('missing'), []);
      const ids = (test: (l: Labels) => boolean): number[] => input.flatMap((s, i) => (test(s.labels) ? [i] : []));
      const has = (name: string, value: string) => (l: Labels) => l.some((x) => x.name === name && x.value === value);
      for (const value of INSTANCES)
        assert.deepEqual([...index.postings('instance', value)], ids(has('instance', value)));
      assert.deepEqual([...index.postings('job', 'job-1')], ids(has('job', 'job-1')));
      assert.deepEqual([...index.postings('instance', 'nope')], []);
      assert.deepEqual([...index.postings('nope', 'a')], []);
      const selected = postingsForMatchers(index, [
        { type: '=', name: '__name__', value: 'up' },
        { type: '=', name: 'job', value: '' },
      ]);
      assert.deepEqual(
        [...selected],
        ids((l) => has('__name__', 'up')(l) && !l.some((x) => x.name === 'job')),
      );
    } finally {
      block.close();
    }
  });

  it('writes meta.json as Prometheus does, with the stats of what was stored', async () => {
    const parent = tempDir();
    const { dir, input } = await writeFixture(parent);
    const text = fs.readFileSync(path.join(dir, 'meta.json'), 'utf8');
    const id = path.basename(dir);
    const chunks = input.flatMap((s) => s.chunks);
    assert.equal(
      text,
      JSON.stringify(
        {
          ulid: id,
          minTime: T0,
          maxTime: T0 + 2 * HOUR,
          stats: { numSamples: chunks.length * 30, numSeries: input.length, numChunks: chunks.length },
          compaction: { level: 1, sources: [id] },
          version: 1,
        },
        null,
        '\t',
      ),
    );
    assert.deepEqual(readMeta(dir), JSON.parse(text));
  });

  it('takes an async iterable, leaves out chunkless series and records parents', async () => {
    const parent = tempDir();
    const parentMeta = readMeta((await writeFixture(tempDir())).dir);
    async function* stream(): AsyncGenerator<SeriesInput> {
      yield { labels: series({ a: '1' }), chunks: [] };
      yield { labels: series({ a: '2' }), chunks: [xorChunk([[T0, 1]])] };
    }
    const meta = await writeBlock(parent, {
      minTime: T0,
      maxTime: T0 + HOUR,
      series: stream(),
      level: 2,
      sources: ['S1', 'S2'],
      parents: [parentMeta],
    });
    assert.ok(meta);
    assert.deepEqual(meta.stats, { numSamples: 1, numSeries: 1, numChunks: 1 });
    assert.deepEqual(meta.compaction, {
      level: 2,
      sources: ['S1', 'S2'],
      parents: [{ ulid: parentMeta.ulid, minTime: parentMeta.minTime, maxTime: parentMeta.maxTime }],
    });
    assert.deepEqual(readMeta(path.join(parent, meta.ulid)), meta);
    assert.ok(isUlid(meta.ulid));
  });

  it('writes no block for no series or only chunkless ones', async () => {
    const parent = tempDir();
    assert.equal(await writeBlock(parent, { minTime: 0, maxTime: 10, series: [], level: 1 }), null);
    const chunkless = [{ labels: series({ a: '1' }), chunks: [] }];
    assert.equal(await writeBlock(parent, { minTime: 0, maxTime: 10, series: chunkless, level: 1 }), null);
    assert.deepEqual(fs.readdirSync(parent), []);
  });

  const invalid: readonly [string, { minTime: number; maxTime: number; series: SeriesInput[] }, RegExp][] = [
    [
      'series out of order',
      {
        minTime: 0,
        maxTime: 100,
        series: [
          { labels: series({ a: '2' }), chunks: [xorChunk([[1, 1]])] },
          { labels: series({ a: '1' }), chunks: [xorChunk([[1, 1]])] },
        ],
      },
      /series out of order/,
    ],
    [
      'the same series twice',
      {
        minTime: 0,
        maxTime: 100,
        series: [
          { labels: series({ a: '1' }), chunks: [xorChunk([[1, 1]])] },
          { labels: series({ a: '1' }), chunks: [xorChunk([[2, 1]])] },
        ],
      },
      /series out of order/,
    ],
    [
      'a chunk at the exclusive end',
      {
        minTime: 0,
        maxTime: 100,
        series: [
          {
            labels: series({ a: '1' }),
            chunks: [
              xorChunk([
                [50, 1],
                [100, 2],
              ]),
            ],
          },
        ],
      },
      /outside the block \[0, 100\)/,
    ],
    [
      'a chunk before the start',
      { minTime: 10, maxTime: 100, series: [{ labels: series({ a: '1' }), chunks: [xorChunk([[5, 1]])] }] },
      /outside the block/,
    ],
    [
      'overlapping chunks',
      {
        minTime: 0,
        maxTime: 100,
        series: [
          {
            labels: series({ a: '1' }),
            chunks: [
              xorChunk([
                [1, 1],
                [20, 1],
              ]),
              xorChunk([[20, 2]]),
            ],
          },
        ],
      },
      /overlaps or precedes/,
    ],
    ['an empty range', { minTime: 100, maxTime: 100, series: [] }, /bad block range/],
  ];
  for (const [what, input, message] of invalid) {
    it(`refuses ${what} and leaves nothing behind`, async () => {
      const parent = tempDir();
      await assert.rejects(
        writeBlock(parent, { ...input, level: 1 }),
        (error: Error) => error instanceof RangeError && message.test(error.message),
      );
      assert.deepEqual(fs.readdirSync(parent), []);
    });
  }

  it('refuses to write over a block or a temporary directory of the same ULID', async () => {
    const parent = tempDir();
    const id = ulid(T0, () => new Uint8Array(10));
    const input = {
      minTime: 0,
      maxTime: 10,
      series: [{ labels: series({ a: '1' }), chunks: [xorChunk([[1, 1]])] }],
      level: 1,
      ulid: id,
    };
    fs.mkdirSync(path.join(parent, `${id}.tmp-for-creation`));
    fs.writeFileSync(path.join(parent, `${id}.tmp-for-creation`, 'mine'), 'x');
    await assert.rejects(writeBlock(parent, input), /EEXIST/);
    assert.deepEqual(fs.readdirSync(path.join(parent, `${id}.tmp-for-creation`)), ['mine'], 'left alone');
    fs.rmSync(path.join(parent, `${id}.tmp-for-creation`), { recursive: true });
    fs.mkdirSync(path.join(parent, id));
    fs.writeFileSync(path.join(parent, id, 'meta.json'), '{}');
    await assert.rejects(writeBlock(parent, input), /ENOTEMPTY|EEXIST/);
    assert.deepEqual(fs.readdirSync(parent), [id]);
    assert.deepEqual(fs.readdirSync(path.join(parent, id)), ['meta.json']);
  });

  it('removes its temporary directory when the input fails', async () => {
    const parent = tempDir();
    function* failing(): Generator<SeriesInput> {
      yield { labels: series({ a: '1' }), chunks: [xorChunk([[1, 1]])] };
      throw new Error('head went away');
    }
    await assert.rejects(
      writeBlock(parent, { minTime: 0, maxTime: 10, series: failing(), level: 1 }),
      /head went away/,
    );
    assert.deepEqual(fs.readdirSync(parent), []);
  });
});

describe('Block.open on damaged blocks', () => {
  async function damaged(damage: (dir: string) => void): Promise<string> {
    const { dir } = await writeFixture(tempDir(), 2000);
    damage(dir);
    return dir;
  }
  const corrupt = (error: unknown): boolean => error instanceof TsdbCorruptionError;

  for (const [what, text] of [
    ['not JSON', '{"ulid":'],
    ['version 2', '{"ulid":"X","minTime":0,"maxTime":1,"version":2}'],
    ['no ulid', '{"minTime":0,"maxTime":1,"version":1}'],
    ['maxTime before minTime', '{"ulid":"X","minTime":5,"maxTime":5,"version":1}'],
    ['a non-integer time', '{"ulid":"X","minTime":0.5,"maxTime":5,"version":1}'],
    ['sources that are not ULIDs', '{"ulid":"X","minTime":0,"maxTime":5,"compaction":{"sources":[1]},"version":1}'],
  ] as const) {
    it(`refuses meta.json with ${what}`, async () => {
      const dir = await damaged((d) => fs.writeFileSync(path.join(d, 'meta.json'), text));
      assert.throws(() => Block.open(dir), corrupt);
    });
  }

  for (const file of ['meta.json', 'index', 'chunks/000001', 'chunks']) {
    it(`refuses a block without ${file}`, async () => {
      const dir = await damaged((d) => fs.rmSync(path.join(d, file), { recursive: true }));
      assert.throws(() => Block.open(dir), corrupt);
    });
  }

  it('finds every flipped index byte, or reads the same series (zero padding is not checksummed)', async () => {
    const { dir } = await writeFixture(tempDir(), 2000);
    const original = fs.readFileSync(path.join(dir, 'index'));
    const read = (index: IndexFile): unknown[] =>
      [...index.allPostings()].map((id) => [index.seriesLabels(id), index.seriesChunks(id)]);
    const want = read(new IndexFile(original, 'index'));
    let detected = 0;
    for (let i = 0; i < original.length; i++) {
      const bytes = Buffer.from(original);
      bytes[i] = (bytes[i] as number) ^ 0x41;
      let index: IndexFile;
      try {
        index = new IndexFile(bytes, 'index');
      } catch (error) {
        assert.ok(corrupt(error), `byte ${i}: ${String(error)}`);
        detected++;
        continue;
      }
      assert.deepEqual(read(index), want, `byte ${i} changed the content undetected`);
      assert.equal(original[i], 0, `byte ${i} is not padding`);
    }
    assert.ok(detected > original.length * 0.9, `${detected} of ${original.length}`);
  });

  for (const [what, size] of [
    ['an index shorter than its header and TOC', 40],
    ['an index cut in the middle', 700],
  ] as const) {
    it(`refuses ${what}`, async () => {
      const dir = await damaged((d) => fs.truncateSync(path.join(d, 'index'), size));
      assert.throws(() => Block.open(dir), corrupt);
    });
  }

  it('refuses an index of another format version', async () => {
    const dir = await damaged((d) => {
      const file = path.join(d, 'index');
      const bytes = fs.readFileSync(file);
      bytes[4] = 1;
      fs.writeFileSync(file, bytes);
    });
    assert.throws(() => Block.open(dir), /unsupported index format version 1/);
  });

  it('reports a chunk whose CRC fails when it is read, and reads the others', async () => {
    const { dir } = await writeFixture(tempDir());
    const block = Block.open(dir);
    const [first, second] = block.seriesChunks(0);
    block.close();
    assert.ok(first && second);
    const file = path.join(dir, 'chunks', '000001');
    const bytes = fs.readFileSync(file);
    bytes[first.ref + 5] = (bytes[first.ref + 5] as number) ^ 1;
    fs.writeFileSync(file, bytes);
    const reopened = Block.open(dir);
    try {
      assert.throws(() => reopened.readChunk(first.ref), /checksum mismatch/);
      assert.throws(() => reopened.readChunk(first.ref), corrupt);
      assert.equal(reopened.readChunk(second.ref).encoding, 1);
      assert.throws(() => reopened.readChunk(3), corrupt);
      assert.throws(() => reopened.readChunk(2 ** 32 * 9 + 8), corrupt);
    } finally {
      reopened.close();
    }
    assert.throws(() => reopened.readChunk(second.ref), /read after the block was closed/);
  });

  it('reports a chunk file cut short', async () => {
    const { dir } = await writeFixture(tempDir());
    const block = Block.open(dir);
    const last = block.seriesChunks(block.index.allPostings().length - 1).at(-1);
    block.close();
    assert.ok(last);
    fs.truncateSync(path.join(dir, 'chunks', '000001'), last.ref + 20);
    const reopened = Block.open(dir);
    try {
      assert.throws(() => reopened.readChunk(last.ref), /runs past the end/);
    } finally {
      reopened.close();
    }
  });

  it('refuses chunk files with a bad header or a gap in their numbering', async () => {
    const badMagic = await damaged((d) => fs.writeFileSync(path.join(d, 'chunks', '000001'), Buffer.alloc(16)));
    assert.throws(() => Block.open(badMagic), /invalid chunk file header/);
    const badVersion = await damaged((d) => {
      const file = path.join(d, 'chunks', '000001');
      const bytes = fs.readFileSync(file);
      bytes[4] = 2;
      fs.writeFileSync(file, bytes);
    });
    assert.throws(() => Block.open(badVersion), /unknown chunk format 2/);
    const gap = await damaged((d) => fs.renameSync(path.join(d, 'chunks', '000001'), path.join(d, 'chunks', '000002')));
    assert.throws(() => Block.open(gap), /chunk file 000001 missing/);
  });

  it('accepts a block without tombstones but refuses damaged ones or real deletions', async () => {
    const none = await damaged((d) => fs.rmSync(path.join(d, 'tombstones')));
    Block.open(none).close();
    const badCrc = await damaged((d) =>
      fs.writeFileSync(path.join(d, 'tombstones'), Buffer.from([1, 0x30, 0xba, 0x30, 1, 0, 0, 0, 1])),
    );
    assert.throws(() => Block.open(badCrc), /checksum mismatch/);
    const unreadable = await damaged((d) => {
      fs.rmSync(path.join(d, 'tombstones'));
      fs.mkdirSync(path.join(d, 'tombstones'));
    });
    assert.throws(() => Block.open(unreadable), corrupt);
    const short = await damaged((d) => fs.writeFileSync(path.join(d, 'tombstones'), Buffer.from([1, 0x30, 0xba])));
    assert.throws(() => Block.open(short), /bad header/);
    // One deletion: series ref 16, interval [0, 100] (uvarint, varint, varint), with its CRC32C.
    const entry = Buffer.from([16, 0, 200, 1]);
    const withStone = await damaged((d) => {
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32cOf(entry));
      fs.writeFileSync(path.join(d, 'tombstones'), Buffer.concat([Buffer.from([1, 0x30, 0xba, 0x30, 1]), entry, crc]));
    });
    assert.throws(() => Block.open(withStone), /deletion tombstones/);
  });
});

function crc32cOf(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return ~c >>> 0;
}

describe('ulid', () => {
  it('encodes 48 bits of time and 80 random bits in Crockford base32', () => {
    assert.equal(
      ulid(1469918176385, (n) => new Uint8Array(n)),
      '01ARYZ6S410000000000000000',
    );
    assert.equal(
      ulid(2 ** 48 - 1, (n) => new Uint8Array(n).fill(255)),
      '7ZZZZZZZZZZZZZZZZZZZZZZZZZ',
    );
    assert.equal(
      ulid(0, (n) => Uint8Array.from({ length: n }, (_, i) => (i === 0 ? 1 : 0))),
      '00000000000400000000000000',
    );
    assert.ok(ulid(1, (n) => new Uint8Array(n)) < ulid(2, (n) => new Uint8Array(n).fill(255)));
    assert.ok(isUlid('01ARYZ6S410000000000000000'));
    assert.ok(!isUlid('01ARYZ6S41000000000000000U'));
    assert.ok(!isUlid('81ARYZ6S410000000000000000'));
  });

  it('refuses a time outside 48 bits and short randomness', () => {
    assert.throws(() => ulid(-1, (n) => new Uint8Array(n)), RangeError);
    assert.throws(() => ulid(2 ** 48, (n) => new Uint8Array(n)), RangeError);
    assert.throws(() => ulid(1.5, (n) => new Uint8Array(n)), RangeError);
    assert.throws(() => ulid(1, () => new Uint8Array(9)), RangeError);
  });
});
