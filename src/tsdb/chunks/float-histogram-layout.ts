import type { FloatHistogram, Span } from '../../promql/engine/histograms/native/float-histogram.js';
import type { BitReader } from './bit-reader.js';
import type { BitWriter } from './bit-writer.js';
import { TsdbCorruptionError } from './errors.js';
import { FLOAT, HI, LO, WORDS } from './float-bits.js';
import { readUvarint, readVarint, writeUvarint, writeVarint } from './varint-codec.js';

/**
 * The bucket layout of a native histogram: everything but the counts, which is what stays the same from one sample
 * of a series to the next. The float-histogram chunk writes it once and again only when it changes, and sizes its
 * per-bucket state from the bucket counts.
 */
export interface HistogramLayout {
  readonly schema: number;
  readonly zeroThreshold: number;
  readonly positiveSpans: readonly Span[];
  readonly negativeSpans: readonly Span[];
  readonly customValues: readonly number[];
  /** How many positive (negative) buckets the spans hold. */
  readonly positiveCount: number;
  readonly negativeCount: number;
}

const INT32_MIN = -0x8000_0000;
const INT32_MAX = 0x7fff_ffff;
const UINT32_MAX = 0xffff_ffff;

/**
 * A copy of `h`'s layout, checked (RangeError) so that what is written can be read back: an int32 schema, spans with
 * int32 offsets and uint32 lengths (Prometheus's types), and bucket arrays as long as their spans say.
 */
export function layoutOf(h: FloatHistogram): HistogramLayout {
  if (!isInt32(h.schema)) throw new RangeError(`float histogram chunk: schema ${h.schema} is not an int32`);
  const positiveSpans = copySpans(h.positiveSpans);
  const negativeSpans = copySpans(h.negativeSpans);
  const layout: HistogramLayout = {
    schema: h.schema,
    zeroThreshold: h.zeroThreshold,
    positiveSpans,
    negativeSpans,
    customValues: h.customValues.slice(),
    positiveCount: spannedBuckets(positiveSpans),
    negativeCount: spannedBuckets(negativeSpans),
  };
  checkBucketCounts(layout, h);
  return layout;
}

/** Refuses a histogram whose bucket arrays do not match the layout's spans. */
export function checkBucketCounts(layout: HistogramLayout, h: FloatHistogram): void {
  if (h.positiveBuckets.length !== layout.positiveCount || h.negativeBuckets.length !== layout.negativeCount) {
    throw new RangeError(
      `float histogram chunk: ${h.positiveBuckets.length} positive and ${h.negativeBuckets.length} negative buckets ` +
        `for spans holding ${layout.positiveCount} and ${layout.negativeCount}`,
    );
  }
}

/** Whether `h` has this layout; floats (threshold, custom bounds) are compared by their bits. */
export function sameLayout(layout: HistogramLayout, h: FloatHistogram): boolean {
  return (
    layout.schema === h.schema &&
    sameBits(layout.zeroThreshold, h.zeroThreshold) &&
    sameSpans(layout.positiveSpans, h.positiveSpans) &&
    sameSpans(layout.negativeSpans, h.negativeSpans) &&
    sameFloats(layout.customValues, h.customValues)
  );
}

/**
 * Writes a layout: schema (signed varint), zero threshold (64 raw bits), positive then negative spans (count as an
 * unsigned varint, then per span the offset as a signed and the length as an unsigned varint), custom bounds (count,
 * then 64 raw bits each).
 */
export function writeLayout(writer: BitWriter, layout: HistogramLayout): void {
  writeVarint(writer, layout.schema);
  writeFloat(writer, layout.zeroThreshold);
  for (const spans of [layout.positiveSpans, layout.negativeSpans]) {
    writeUvarint(writer, spans.length);
    for (const span of spans) {
      writeVarint(writer, span.offset);
      writeUvarint(writer, span.length);
    }
  }
  writeUvarint(writer, layout.customValues.length);
  for (const bound of layout.customValues) writeFloat(writer, bound);
}

/**
 * Reads what writeLayout wrote. Counts are checked against the bits left (a span takes at least 2 bytes, a bound 8,
 * a bucket at least 1 bit), so corrupt counts fail before anything is allocated for them.
 */
export function readLayout(reader: BitReader): HistogramLayout {
  const schema = readVarint(reader);
  if (!isInt32(schema)) throw corrupt(`schema ${schema}`);
  const zeroThreshold = readFloat(reader);
  const positiveSpans = readSpans(reader);
  const negativeSpans = readSpans(reader);
  const bounds = readUvarint(reader);
  if (bounds * 64 > reader.remainingBits) throw corrupt(`${bounds} custom bounds`);
  const customValues: number[] = [];
  for (let i = 0; i < bounds; i++) customValues.push(readFloat(reader));
  const positiveCount = spannedBuckets(positiveSpans);
  const negativeCount = spannedBuckets(negativeSpans);
  if (positiveCount + negativeCount > reader.remainingBits) throw corrupt(`${positiveCount + negativeCount} buckets`);
  return { schema, zeroThreshold, positiveSpans, negativeSpans, customValues, positiveCount, negativeCount };
}

function readSpans(reader: BitReader): Span[] {
  const count = readUvarint(reader);
  if (count * 16 > reader.remainingBits) throw corrupt(`${count} spans`);
  const spans: Span[] = [];
  for (let i = 0; i < count; i++) {
    const offset = readVarint(reader);
    const length = readUvarint(reader);
    if (!isInt32(offset) || length > UINT32_MAX) throw corrupt(`span (${offset}, ${length})`);
    spans.push({ offset, length });
  }
  return spans;
}

function copySpans(spans: readonly Span[]): Span[] {
  return spans.map(({ offset, length }) => {
    if (!isInt32(offset) || !Number.isInteger(length) || length < 0 || length > UINT32_MAX) {
      throw new RangeError(
        `float histogram chunk: span (${offset}, ${length}) is not an int32 offset and uint32 length`,
      );
    }
    return { offset, length };
  });
}

function spannedBuckets(spans: readonly Span[]): number {
  let count = 0;
  for (const span of spans) count += span.length;
  return count;
}

function sameSpans(a: readonly Span[], b: readonly Span[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as Span;
    const y = b[i] as Span;
    if (x.offset !== y.offset || x.length !== y.length) return false;
  }
  return true;
}

function sameFloats(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameBits(a[i] as number, b[i] as number)) return false;
  return true;
}

function sameBits(a: number, b: number): boolean {
  FLOAT[0] = a;
  const hi = WORDS[HI];
  const lo = WORDS[LO];
  FLOAT[0] = b;
  return hi === WORDS[HI] && lo === WORDS[LO];
}

function writeFloat(writer: BitWriter, value: number): void {
  FLOAT[0] = value;
  const lo = WORDS[LO] as number;
  writer.writeBits(WORDS[HI] as number, 32);
  writer.writeBits(lo, 32);
}

function readFloat(reader: BitReader): number {
  const hi = reader.readBits(32);
  WORDS[LO] = reader.readBits(32);
  WORDS[HI] = hi;
  return FLOAT[0] as number;
}

function isInt32(value: number): boolean {
  return Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX;
}

function corrupt(what: string): TsdbCorruptionError {
  return new TsdbCorruptionError(`float histogram chunk layout: impossible ${what}`);
}
