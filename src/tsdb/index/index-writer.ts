import type { Labels } from '../../promql/engine/core/labels.js';
import { compareLabels } from '../../promql/engine/core/labels.js';
import { crc32c } from '../wal/crc32c.js';
import { sortUtf8 } from './byte-order.js';
import { Encbuf } from './encbuf.js';
import { FileSink } from './file-sink.js';
import { INDEX_FORMAT_V2, INDEX_MAGIC, SERIES_ALIGN } from './index-format.js';

/** Chunk metas of all series, flat: series i owns entries [offsets[i], offsets[i + 1]). */
export interface IndexChunkMetas {
  readonly offsets: ArrayLike<number>;
  readonly minT: ArrayLike<number>;
  readonly maxT: ArrayLike<number>;
  readonly ref: ArrayLike<number>;
}

function be32(v: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, v);
  return out;
}

/** Writes `body` framed as `len u32 | body | CRC32C(body) u32`, the framing of most index sections. */
function writeSection(sink: FileSink, body: Uint8Array): void {
  sink.write(be32(body.length));
  sink.write(body);
  sink.write(be32(crc32c(body)));
}

class SeriesEncoder {
  private readonly entry = new Encbuf(1024);
  private readonly head = new Encbuf(16);

  constructor(private readonly symbolIds: ReadonlyMap<string, number>) {}

  encode(labels: Labels, chunks: IndexChunkMetas, from: number, to: number, sink: FileSink): void {
    const { entry, head, symbolIds } = this;
    entry.reset();
    entry.putUvarint(labels.length);
    for (const { name, value } of labels) {
      entry.putUvarint(symbolIds.get(name) as number);
      entry.putUvarint(symbolIds.get(value) as number);
    }
    entry.putUvarint(to - from);
    let prevMaxT = 0;
    let prevRef = 0;
    for (let c = from; c < to; c++) {
      const minT = chunks.minT[c] as number;
      const maxT = chunks.maxT[c] as number;
      const ref = chunks.ref[c] as number;
      if (maxT < minT) throw new RangeError(`chunk maxT ${maxT} is less than minT ${minT}`);
      if (c === from) {
        entry.putVarint(minT);
        entry.putUvarint(maxT - minT);
        entry.putUvarint(ref);
      } else {
        if (minT <= prevMaxT)
          throw new RangeError(`chunk minT ${minT} is not higher than previous chunk maxT ${prevMaxT}`);
        if (ref <= prevRef) throw new RangeError(`chunk ref ${ref} not after previous ${prevRef}`);
        entry.putUvarint(minT - prevMaxT);
        entry.putUvarint(maxT - minT);
        entry.putVarint(ref - prevRef);
      }
      prevMaxT = maxT;
      prevRef = ref;
    }
    const body = entry.get();
    head.reset();
    head.putUvarint(body.length);
    sink.write(head.get());
    sink.write(body);
    sink.write(be32(crc32c(body)));
  }
}

/**
 * Writes a block's `index` file in Prometheus's index format v2 (tsdb/docs/format/index.md): symbol table, series
 * (16-byte aligned, id = offset / 16, chunk metas delta-encoded), postings (the all-series list under ("", "") first,
 * then by label name and value), postings offset table and TOC, each with its CRC32C. The legacy label-index sections
 * are left empty (their TOC entries point where they would be), as current Prometheus does; Prometheus 2.x readers
 * never read them. `series` must be sorted by compareLabels and distinct. `pause` is awaited between series so a big
 * index does not hold the event loop.
 */
export async function writeIndex(
  path: string,
  series: readonly Labels[],
  chunks: IndexChunkMetas,
  pause: () => Promise<void>,
): Promise<void> {
  const symbolSet = new Set<string>();
  for (const labels of series) {
    for (const { name, value } of labels) {
      symbolSet.add(name);
      symbolSet.add(value);
    }
  }
  const symbols = sortUtf8([...symbolSet]);
  const symbolIds = new Map<string, number>();
  symbols.forEach((s, i) => symbolIds.set(s, i));

  const sink = new FileSink(path);
  try {
    const header = new Encbuf(8);
    header.putBE32(INDEX_MAGIC);
    header.putByte(INDEX_FORMAT_V2);
    sink.write(header.get());

    const tocSymbols = sink.pos;
    const table = new Encbuf(1 << 16);
    table.putBE32(symbols.length);
    for (const s of symbols) table.putUvarintStr(s);
    writeSection(sink, table.get());

    const tocSeries = sink.pos;
    const postings = new Map<string, Map<string, number[]>>();
    const all: number[] = [];
    const encoder = new SeriesEncoder(symbolIds);
    for (let i = 0; i < series.length; i++) {
      const labels = series[i] as Labels;
      if (i > 0 && compareLabels(series[i - 1] as Labels, labels) >= 0) {
        throw new RangeError('index series must be sorted by labels and distinct');
      }
      sink.pad(SERIES_ALIGN);
      const id = sink.pos / SERIES_ALIGN;
      if (id > 0xffff_ffff) throw new RangeError('index series section beyond 64 GiB');
      all.push(id);
      for (const { name, value } of labels) {
        let values = postings.get(name);
        if (values === undefined) postings.set(name, (values = new Map()));
        const ids = values.get(value);
        if (ids === undefined) values.set(value, [id]);
        else ids.push(id);
      }
      encoder.encode(labels, chunks, chunks.offsets[i] as number, chunks.offsets[i + 1] as number, sink);
      if (i % 256 === 255) await pause();
    }

    const tocLabelIndices = sink.pos;
    sink.pad(4);
    const offsetTable = new Encbuf(1 << 16);
    let entries = 0;
    const list = new Encbuf(1 << 12);
    const writePostings = (name: string, value: string, ids: readonly number[]): void => {
      sink.pad(4);
      offsetTable.putUvarint(2);
      offsetTable.putUvarintStr(name);
      offsetTable.putUvarintStr(value);
      offsetTable.putUvarint(sink.pos);
      entries++;
      list.reset();
      list.putBE32(ids.length);
      for (const id of ids) list.putBE32(id);
      writeSection(sink, list.get());
    };
    writePostings('', '', all);
    let written = 0;
    for (const name of sortUtf8([...postings.keys()])) {
      const values = postings.get(name) as Map<string, number[]>;
      for (const value of sortUtf8([...values.keys()])) {
        writePostings(name, value, values.get(value) as number[]);
        if (++written % 256 === 0) await pause();
      }
    }

    const tocPostingsTable = sink.pos;
    const body = new Encbuf(offsetTable.length + 4);
    body.putBE32(entries);
    body.putBytes(offsetTable.get());
    writeSection(sink, body.get());

    const toc = new Encbuf(52);
    toc.putBE64(tocSymbols);
    toc.putBE64(tocSeries);
    toc.putBE64(tocLabelIndices);
    toc.putBE64(tocPostingsTable);
    toc.putBE64(tocLabelIndices);
    toc.putBE64(tocPostingsTable);
    const tocBytes = toc.get();
    sink.write(tocBytes);
    sink.write(be32(crc32c(tocBytes)));
    await sink.close();
  } catch (error) {
    sink.abandon();
    throw error;
  }
}
