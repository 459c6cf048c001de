import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { labelsFrom, type Labels } from '../../promql/engine/core/labels.js';
import { TsdbCorruptionError } from '../chunks/errors.js';
import { crc32c } from '../wal/crc32c.js';
import { Decbuf } from './decbuf.js';
import { Encbuf } from './encbuf.js';
import { IndexFile } from './index-file.js';
import { writeIndex, type IndexChunkMetas } from './index-writer.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-index-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let files = 0;
const noPause = async (): Promise<void> => {};

const SERIES: Labels[] = [
  labelsFrom({ __name__: 'up', job: 'a' }),
  labelsFrom({ __name__: 'up', job: 'b' }),
  labelsFrom({ __name__: 'up', job: 'b', zone: 'x' }),
];

/** Two chunks per series, refs ascending across series. */
function metas(n: number): IndexChunkMetas {
  const offsets = Array.from({ length: n + 1 }, (_, i) => 2 * i);
  const minT = Array.from({ length: 2 * n }, (_, i) => (i % 2) * 1000 - 500);
  const maxT = minT.map((t) => t + 400);
  const ref = minT.map((_, i) => 8 + i * 40);
  return { offsets, minT, maxT, ref };
}

async function written(
  series: readonly Labels[] = SERIES,
  chunks: IndexChunkMetas = metas(series.length),
): Promise<Buffer> {
  const file = path.join(dir, `index-${files++}`);
  await writeIndex(file, series, chunks, noPause);
  return fs.readFileSync(file);
}

const corrupt = (pattern: RegExp) => (error: unknown) =>
  error instanceof TsdbCorruptionError && pattern.test(error.message);

interface Toc {
  symbols: number;
  series: number;
  postingsTable: number;
  tocAt: number;
}

function tocOf(bytes: Uint8Array): Toc {
  const tocAt = bytes.length - 52;
  const d = new Decbuf(bytes, 'toc', tocAt);
  const symbols = d.be64();
  const series = d.be64();
  d.be64();
  d.be64();
  d.be64();
  return { symbols, series, postingsTable: d.be64(), tocAt };
}

interface Entry {
  name: string;
  value: string;
  offset: number;
  keys?: number;
}

function offsetTable(bytes: Uint8Array): Entry[] {
  const d = new Decbuf(bytes, 'table', tocOf(bytes).postingsTable + 4);
  const n = d.be32();
  return Array.from({ length: n }, () => {
    d.uvarint();
    return { name: d.uvarintStr(), value: d.uvarintStr(), offset: d.uvarint() };
  });
}

function section(body: Uint8Array): Uint8Array {
  const e = new Encbuf();
  e.putBE32(body.length);
  e.putBytes(body);
  e.putBE32(crc32c(body));
  return e.get().slice();
}

function postingsList(ids: readonly number[]): Uint8Array {
  const e = new Encbuf();
  e.putBE32(ids.length);
  for (const id of ids) e.putBE32(id);
  return section(e.get());
}

/**
 * The index with its tail rebuilt: `extra` sections inserted where the postings offset table was, then the table as
 * `edit` returns it (it gets the file offset of the first extra section), then a new TOC — all checksums right.
 */
function rebuilt(
  bytes: Uint8Array,
  edit: (entries: Entry[], extraAt: number) => Entry[],
  extra: Uint8Array[] = [],
): Uint8Array {
  const toc = tocOf(bytes);
  const head = bytes.subarray(0, toc.postingsTable);
  const extraAt = head.length;
  const extraBytes = Buffer.concat(extra);
  const entries = edit(offsetTable(bytes), extraAt);
  const table = new Encbuf();
  table.putBE32(entries.length);
  for (const { name, value, offset, keys } of entries) {
    table.putUvarint(keys ?? 2);
    table.putUvarintStr(name);
    table.putUvarintStr(value);
    table.putUvarint(offset);
  }
  const tableAt = extraAt + extraBytes.length;
  const tocBody = Buffer.from(bytes.subarray(toc.tocAt, toc.tocAt + 48));
  tocBody.writeBigUInt64BE(BigInt(tableAt), 24);
  tocBody.writeBigUInt64BE(BigInt(tableAt), 40);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32c(tocBody));
  return Buffer.concat([head, extraBytes, section(table.get()), tocBody, crc]);
}

/** The file ids (offset / 16) of the series, from the all-postings list. */
function fileIds(bytes: Uint8Array): number[] {
  const all = offsetTable(bytes).find((e) => e.name === '' && e.value === '') as Entry;
  const d = new Decbuf(bytes, 'all', all.offset + 4);
  const n = d.be32();
  return Array.from({ length: n }, () => d.be32());
}

describe('writeIndex and IndexFile', () => {
  it('round-trips labels, chunk metas (negative times included) and postings', async () => {
    const index = new IndexFile(await written(), 'index');
    assert.equal(index.seriesCount, 3);
    assert.deepEqual(
      [0, 1, 2].map((id) => index.seriesLabels(id)),
      SERIES,
    );
    const m = metas(3);
    assert.deepEqual(index.seriesChunks(2), [
      { minT: m.minT[4], maxT: m.maxT[4], ref: m.ref[4] },
      { minT: m.minT[5], maxT: m.maxT[5], ref: m.ref[5] },
    ]);
    assert.deepEqual([...index.postings('job', 'b')], [1, 2]);
    assert.deepEqual([...index.postings('zone', 'x')], [2]);
    assert.deepEqual([...index.allPostings()], [0, 1, 2]);
    assert.deepEqual(index.labelNames(), ['__name__', 'job', 'zone']);
    assert.throws(() => index.seriesLabels(3), RangeError);
  });

  it('lays the file out as Prometheus does: magic, v2, 16-byte aligned series, all-postings first', async () => {
    const bytes = await written();
    assert.deepEqual([...bytes.subarray(0, 5)], [0xba, 0xaa, 0xd7, 0x00, 2]);
    const toc = tocOf(bytes);
    assert.equal(toc.symbols, 5);
    const ids = fileIds(bytes);
    assert.ok(ids.every((id) => id * 16 >= toc.series));
    const table = offsetTable(bytes);
    assert.deepEqual(
      table.map((e) => `${e.name}=${e.value}`),
      ['=', '__name__=up', 'job=a', 'job=b', 'zone=x'],
    );
    assert.ok(table.every((e) => e.offset % 4 === 0));
  });

  const invalid: readonly [string, Labels[], IndexChunkMetas, RegExp][] = [
    ['series out of order', [SERIES[1] as Labels, SERIES[0] as Labels], metas(2), /sorted by labels and distinct/],
    ['a repeated series', [SERIES[0] as Labels, SERIES[0] as Labels], metas(2), /sorted by labels and distinct/],
    [
      'a chunk ending before it starts',
      [SERIES[0] as Labels],
      { offsets: [0, 1], minT: [10], maxT: [5], ref: [8] },
      /maxT 5 is less than minT 10/,
    ],
    [
      'chunks overlapping',
      [SERIES[0] as Labels],
      { offsets: [0, 2], minT: [0, 10], maxT: [10, 20], ref: [8, 40] },
      /minT 10 is not higher than previous chunk maxT 10/,
    ],
    [
      'chunk refs going back',
      [SERIES[0] as Labels],
      { offsets: [0, 2], minT: [0, 20], maxT: [10, 30], ref: [40, 8] },
      /chunk ref 8 not after previous 40/,
    ],
  ];
  for (const [what, series, chunks, message] of invalid) {
    it(`refuses ${what}`, async () => {
      await assert.rejects(
        written(series, chunks),
        (error: Error) => error instanceof RangeError && message.test(error.message),
      );
    });
  }
});

describe('IndexFile on a malformed index whose checksums are right', () => {
  it('refuses a TOC whose sections are out of order', async () => {
    const bytes = Buffer.from(await written());
    const { tocAt } = tocOf(bytes);
    bytes.writeBigUInt64BE(BigInt(bytes.length), tocAt + 8);
    bytes.writeUInt32BE(crc32c(bytes, tocAt, tocAt + 48), tocAt + 48);
    assert.throws(() => new IndexFile(bytes, 'index'), corrupt(/section offsets out of order/));
  });

  it('refuses an offset table entry without two keys', async () => {
    const bytes = rebuilt(await written(), (entries) => entries.map((e, i) => (i === 1 ? { ...e, keys: 3 } : e)));
    assert.throws(() => new IndexFile(bytes, 'index'), corrupt(/without two keys/));
  });

  it('refuses an offset table out of order', async () => {
    const bytes = rebuilt(
      await written(),
      (entries) => [entries[0], entries[1], entries[3], entries[2], entries[4]] as Entry[],
    );
    assert.throws(() => new IndexFile(bytes, 'index'), corrupt(/postings offset table not sorted/));
  });

  it('refuses an index without the all-series postings', async () => {
    const bytes = rebuilt(await written(), (entries) => entries.slice(1));
    assert.throws(() => new IndexFile(bytes, 'index'), corrupt(/no all-series postings/));
  });

  it('refuses postings whose length does not match their count', async () => {
    const original = await written();
    const { symbols } = tocOf(original);
    const bytes = rebuilt(original, (entries) => entries.map((e, i) => (i === 2 ? { ...e, offset: symbols } : e)));
    assert.throws(() => new IndexFile(bytes, 'index'), corrupt(/postings length does not match its count/));
  });

  it('refuses series ids out of order or outside the series section', async () => {
    const original = await written();
    const ids = fileIds(original);
    for (const all of [[...ids].reverse(), [...ids, 0xffff_fff0]]) {
      const bytes = rebuilt(original, (entries, at) => entries.map((e, i) => (i === 0 ? { ...e, offset: at } : e)), [
        postingsList(all),
      ]);
      assert.throws(() => new IndexFile(bytes, 'index'), corrupt(/out of order or outside the series section/));
    }
  });

  it('reports postings naming a series that is not in the index when they are read', async () => {
    const original = await written();
    const [first] = fileIds(original);
    const bytes = rebuilt(original, (entries, at) => entries.map((e, i) => (i === 2 ? { ...e, offset: at } : e)), [
      postingsList([(first as number) + 1]),
    ]);
    const index = new IndexFile(bytes, 'index');
    assert.throws(() => index.postings('job', 'a'), corrupt(/unknown series id/));
  });

  it('reports a series naming an unknown symbol when it is read', async () => {
    const bytes = Buffer.from(await written());
    const [first] = fileIds(bytes);
    const at = (first as number) * 16;
    const len = bytes[at] as number;
    bytes[at + 2] = 0x7f;
    bytes.writeUInt32BE(crc32c(bytes, at + 1, at + 1 + len), at + 1 + len);
    const index = new IndexFile(bytes, 'index');
    assert.throws(() => index.seriesLabels(0), corrupt(/unknown symbol 127/));
    assert.deepEqual(index.seriesChunks(0).length, 2);
  });
});
