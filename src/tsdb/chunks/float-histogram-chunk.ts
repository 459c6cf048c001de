/**
 * vigil's float-histogram chunk (encoding FLOAT_HISTOGRAM_ENCODING, 0x83): native histograms as the PromQL engine
 * holds them (FloatHistogram), not Prometheus's `floathistogram` chunk, whose layout is fixed per chunk and whose
 * counter-reset hint is per chunk. Here both may change from one sample to the next, so the head never has to
 * re-encode or cut a chunk because a bucket appeared.
 *
 * Format. A 2-byte big-endian sample count, then a bit stream (most significant bit first, zero-padded to a byte).
 * Per sample:
 *   1. Time, as in Prometheus's XOR chunk: sample 0 a signed varint, sample 1 the unsigned varint Δt, later samples
 *      the delta-of-delta in buckets `0` | `10`+14 bits | `110`+17 | `1110`+20 | `1111`+64 (dod-codec.ts).
 *   2. Meta bit. `0`: same counter-reset hint and bucket layout as the previous sample (never on sample 0). `1`: the
 *      hint follows (2 bits: 0 unknown, 1 reset, 2 not_reset, 3 gauge), then a layout bit (always 1 on sample 0);
 *      `1` there is followed by the layout: schema, zero threshold, positive and negative spans, custom bounds
 *      (float-histogram-layout.ts `writeLayout`).
 *   3. count, zero count, sum, the positive buckets, then the negative buckets, each XOR-coded as the XOR chunk codes
 *      values (xor-value-codec.ts) against the same field of the previous sample, each field with its own window.
 *      Sample 0 codes against 0; after a layout change the buckets code against 0 with fresh windows (count, zero
 *      count and sum keep their state).
 * A slowly-growing histogram with an unchanged layout thus costs the time, one meta bit and a short XOR per field.
 */
import { withSampleCount } from './encoding.js';
import type { CounterResetHint, FloatHistogram } from '../../promql/engine/histograms/native/float-histogram.js';
import { BitReader } from './bit-reader.js';
import { BitWriter } from './bit-writer.js';
import { readDod } from './dod-codec.js';
import { TsdbCorruptionError } from './errors.js';
import { FLOAT, HI, LO, WORDS } from './float-bits.js';
import {
  checkBucketCounts,
  layoutOf,
  readLayout,
  sameLayout,
  writeLayout,
  type HistogramLayout,
} from './float-histogram-layout.js';
import { checkAppendTime, writeSampleTime } from './sample-times.js';
import { readUvarint, readVarint } from './varint-codec.js';
import { NO_WINDOW, readXorValue, writeXorValue } from './xor-value-codec.js';

const HEADER_BYTES = 2;
const MAX_SAMPLES = 0xffff;
const HINTS: readonly CounterResetHint[] = ['unknown', 'reset', 'not_reset', 'gauge'];
/** count, zero count and sum come before the buckets in the value state. */
const FIXED_FIELDS = 3;

function hintCode(hint: CounterResetHint): number {
  switch (hint) {
    case 'unknown':
      return 0;
    case 'reset':
      return 1;
    case 'not_reset':
      return 2;
    case 'gauge':
      return 3;
    default:
      throw new RangeError(`float histogram chunk: unknown counter reset hint ${String(hint)}`);
  }
}

/** Value state (xor-value-codec.ts) for a layout: the fixed fields' state kept, every bucket fresh. */
function stateFor(layout: HistogramLayout, previous: Uint32Array | null): Uint32Array {
  const fields = FIXED_FIELDS + layout.positiveCount + layout.negativeCount;
  const state = new Uint32Array(fields * 3);
  for (let base = 2; base < state.length; base += 3) state[base] = NO_WINDOW;
  if (previous !== null) state.set(previous.subarray(0, FIXED_FIELDS * 3));
  return state;
}

/**
 * Appends native histogram samples to a vigil float-histogram chunk (format above). The state kept between appends
 * is a few numbers, the current layout and one Uint32Array for the values, so an append allocates nothing unless the
 * layout changes. Samples must come in strictly increasing time.
 */
export class FloatHistogramAppender {
  private writer: BitWriter;
  private samples = 0;
  private firstT = Infinity;
  private lastT = -Infinity;
  private lastDelta = 0;
  private hint = -1;
  private layout: HistogramLayout | null = null;
  private state: Uint32Array = new Uint32Array(0);

  constructor() {
    this.writer = new BitWriter();
    this.writer.writeBits(0, HEADER_BYTES * 8);
  }

  /**
   * An appender that continues `bytes`, a float-histogram chunk: decoded once to restore the encoder's state, so
   * later appends give the bytes one appender would have written for all the samples. Throws TsdbCorruptionError if
   * `bytes` is not a whole chunk.
   */
  static resume(bytes: Uint8Array): FloatHistogramAppender {
    const decoder = new FloatHistogramDecoder(bytes);
    const appender = new FloatHistogramAppender();
    while (decoder.next()) {
      if (decoder.read === 1) appender.firstT = decoder.t;
    }
    const bitLength = decoder.bitPosition;
    decoder.finish();
    appender.writer = BitWriter.resume(bytes, bitLength);
    appender.samples = decoder.read;
    appender.lastT = decoder.read > 0 ? decoder.t : -Infinity;
    appender.lastDelta = decoder.delta;
    appender.hint = decoder.hint;
    appender.layout = decoder.layout;
    appender.state = decoder.state;
    return appender;
  }

  get count(): number {
    return this.samples;
  }

  /** The chunk's size in bytes so far, header included. */
  get byteLength(): number {
    return this.writer.byteLength;
  }

  /** The first sample's time; Infinity while the chunk is empty. */
  get minT(): number {
    return this.firstT;
  }

  /** The last sample's time; −Infinity while the chunk is empty. */
  get maxT(): number {
    return this.lastT;
  }

  /**
   * Appends `h` at `t` ms (an integer, later than the last one), its counter-reset hint included. Every float is kept
   * to the bit. Throws RangeError, before writing anything, for a bad time, an invalid layout (bucket arrays that do
   * not match their spans) or past 65,535 samples.
   */
  append(t: number, h: FloatHistogram): void {
    const n = this.samples;
    checkAppendTime('float histogram chunk', t, this.lastT);
    if (n === MAX_SAMPLES) throw new RangeError('float histogram chunk: a chunk holds at most 65535 samples');
    const hint = hintCode(h.counterResetHint);
    let layout = this.layout;
    const newLayout = layout === null || !sameLayout(layout, h);
    if (newLayout) layout = layoutOf(h);
    else checkBucketCounts(layout as HistogramLayout, h);

    const writer = this.writer;
    this.lastDelta = writeSampleTime(writer, n, t, this.lastT, this.lastDelta);
    if (!newLayout && hint === this.hint) {
      writer.writeBits(0, 1);
    } else {
      writer.writeBits((1 << 3) | (hint << 1) | (newLayout ? 1 : 0), 4);
      this.hint = hint;
    }
    if (newLayout) {
      writeLayout(writer, layout as HistogramLayout);
      this.state = stateFor(layout as HistogramLayout, n === 0 ? null : this.state);
      this.layout = layout;
    }
    const state = this.state;
    writeFloat(writer, state, 0, h.count);
    writeFloat(writer, state, 3, h.zeroCount);
    writeFloat(writer, state, 6, h.sum);
    let base = FIXED_FIELDS * 3;
    const positive = h.positiveBuckets;
    for (let i = 0; i < positive.length; i++, base += 3) writeFloat(writer, state, base, positive[i] as number);
    const negative = h.negativeBuckets;
    for (let i = 0; i < negative.length; i++, base += 3) writeFloat(writer, state, base, negative[i] as number);

    if (n === 0) this.firstT = t;
    this.lastT = t;
    this.samples = n + 1;
  }

  /** The encoded chunk so far, as a new array with the sample count set. */
  bytes(): Uint8Array {
    return withSampleCount(this.writer.toBytes(), this.samples);
  }

  /**
   * The chunk so far without copying, for a reader that decodes it before anything else runs: the sample count is
   * written into the live buffer's header, and later appends only add bits after these bytes (or move to a new
   * buffer, leaving this one as it is). Not for anything that keeps the bytes across an await (a block write): use bytes().
   */
  view(): Uint8Array {
    return withSampleCount(this.writer.view(), this.samples);
  }
}

function writeFloat(writer: BitWriter, state: Uint32Array, base: number, value: number): void {
  FLOAT[0] = value;
  writeXorValue(writer, state, base, WORDS[HI] as number, WORDS[LO] as number);
}

function readFloat(state: Uint32Array, base: number): number {
  WORDS[HI] = state[base] as number;
  WORDS[LO] = state[base + 1] as number;
  return FLOAT[0] as number;
}

/**
 * Decodes a float-histogram chunk one sample at a time into its state (time, hint, layout, value words); `histogram()`
 * builds the current sample, sharing the layout's span and bound arrays between samples.
 */
class FloatHistogramDecoder {
  readonly total: number;
  read = 0;
  t = 0;
  delta = 0;
  hint = -1;
  layout: HistogramLayout | null = null;
  state: Uint32Array = new Uint32Array(0);
  private readonly reader: BitReader;

  constructor(private readonly bytes: Uint8Array) {
    if (bytes.length < HEADER_BYTES) throw new TsdbCorruptionError('float histogram chunk shorter than its header');
    this.total = ((bytes[0] as number) << 8) | (bytes[1] as number);
    this.reader = new BitReader(bytes, HEADER_BYTES);
  }

  get bitPosition(): number {
    return this.reader.bitPosition;
  }

  next(): boolean {
    const read = this.read;
    if (read === this.total) return false;
    const reader = this.reader;
    if (read === 0) this.t = readVarint(reader);
    else {
      if (read === 1) this.delta = readUvarint(reader);
      else this.delta += readDod(reader);
      this.t += this.delta;
      if (!(Math.abs(this.t) <= Number.MAX_SAFE_INTEGER)) {
        throw new TsdbCorruptionError('float histogram chunk timestamp beyond 2^53 ms');
      }
    }
    if (reader.readBit() === 1) {
      const meta = reader.readBits(3);
      this.hint = meta >>> 1;
      if ((meta & 1) === 1) {
        const layout = readLayout(reader);
        this.state = stateFor(layout, read === 0 ? null : this.state);
        this.layout = layout;
      } else if (read === 0) {
        throw new TsdbCorruptionError('float histogram chunk: the first sample has no bucket layout');
      }
    } else if (read === 0) {
      throw new TsdbCorruptionError('float histogram chunk: the first sample has no hint and bucket layout');
    }
    const state = this.state;
    for (let base = 0; base < state.length; base += 3) readXorValue(reader, state, base);
    this.read = read + 1;
    return true;
  }

  /** The current sample as a FloatHistogram. */
  histogram(): FloatHistogram {
    const layout = this.layout as HistogramLayout;
    const state = this.state;
    const positiveBuckets: number[] = new Array<number>(layout.positiveCount);
    let base = FIXED_FIELDS * 3;
    for (let i = 0; i < layout.positiveCount; i++, base += 3) positiveBuckets[i] = readFloat(state, base);
    const negativeBuckets: number[] = new Array<number>(layout.negativeCount);
    for (let i = 0; i < layout.negativeCount; i++, base += 3) negativeBuckets[i] = readFloat(state, base);
    return {
      counterResetHint: HINTS[this.hint] as CounterResetHint,
      schema: layout.schema,
      zeroThreshold: layout.zeroThreshold,
      zeroCount: readFloat(state, 3),
      count: readFloat(state, 0),
      sum: readFloat(state, 6),
      positiveSpans: layout.positiveSpans,
      positiveBuckets,
      negativeSpans: layout.negativeSpans,
      negativeBuckets,
      customValues: layout.customValues,
    };
  }

  /** Checks that the bytes end with the last sample: at most 7 padding bits, all zero. */
  finish(): void {
    const reader = this.reader;
    const remaining = reader.remainingBits;
    const end = reader.bitPosition;
    if (remaining >= 8 || (remaining > 0 && reader.readBits(remaining) !== 0)) {
      throw new TsdbCorruptionError(
        `float histogram chunk has ${this.bytes.length} bytes but its ${this.total} samples end at bit ${end}`,
      );
    }
  }
}

/**
 * Decodes the samples of a float-histogram chunk with `start` ≤ t ≤ `end`, appending their times to `outT` and the
 * histograms to `outH`, and stops at the first sample after `end`. Throws TsdbCorruptionError on truncated or
 * malformed bytes.
 */
export function readFloatHistogramChunk(
  bytes: Uint8Array,
  start: number,
  end: number,
  outT: number[],
  outH: FloatHistogram[],
): void {
  const decoder = new FloatHistogramDecoder(bytes);
  while (decoder.next()) {
    const t = decoder.t;
    if (t > end) return;
    if (t < start) continue;
    outT.push(t);
    outH.push(decoder.histogram());
  }
  decoder.finish();
}

/** Every sample of a float-histogram chunk: for compaction's re-encoding and tests. */
export function* iterateFloatHistogramChunk(bytes: Uint8Array): Generator<{ t: number; h: FloatHistogram }> {
  const decoder = new FloatHistogramDecoder(bytes);
  while (decoder.next()) yield { t: decoder.t, h: decoder.histogram() };
  decoder.finish();
}
