import type { Label, Labels } from '../../promql/engine/core/labels.js';
import type { CounterResetHint, FloatHistogram, Span } from '../../promql/engine/histograms/native/float-histogram.js';
import { WalRecordError } from './errors.js';
import { MAX_TIME, PayloadReader, PayloadWriter, writeUvarint } from './payload.js';

/**
 * The WAL's record types. The numbers and payload layouts are Prometheus's (tsdb/record/record.go) minus the leading
 * type byte, which the frame carries; so Prometheus's format notes apply and fixtures can be compared.
 */
export const RECORD = { SERIES: 1, SAMPLES: 2, METADATA: 6, HISTOGRAMS: 8 } as const;

const TWO_32 = 2 ** 32;
/** Stale marker: Prometheus's value.StaleNaN, a signalling NaN no arithmetic produces. */
const STALE_HI = 0x7ff00000;
const STALE_LO = 0x00000002;
const NAN_HI = 0x7ff80000;

function checkRef(ref: number): void {
  if (ref >>> 0 !== ref) throw new RangeError(`series ref ${ref} is not an integer in [0, 2^32)`);
}

function checkTime(t: number): void {
  if (t !== Math.trunc(t) || t > MAX_TIME || t < -MAX_TIME) {
    throw new RangeError(`timestamp ${t} is not an integer within ±2^51`);
  }
}

/**
 * A Series record: each new series' ref with its label set, so replay can rebuild the series before it reads their
 * samples. Layout per series: ref (8 B BE), label count (uvarint), then name and value as uvarint-length UTF-8.
 */
export function encodeSeries(refs: readonly number[], labels: readonly Labels[]): Uint8Array {
  if (refs.length !== labels.length) throw new RangeError(`${refs.length} refs for ${labels.length} label sets`);
  const w = new PayloadWriter(64 * refs.length + 16);
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i];
    checkRef(ref);
    const set = labels[i];
    w.ref64(ref);
    w.uvarint(set.length);
    for (const label of set) {
      w.string(label.name);
      w.string(label.value);
    }
  }
  return w.finish();
}

/** Calls `visit` for each series of a Series record, in order. */
export function decodeSeries(payload: Uint8Array, visit: (ref: number, labels: Labels) => void): void {
  const r = new PayloadReader(RECORD.SERIES, payload);
  while (!r.done) {
    const ref = r.ref64();
    const n = r.count(2);
    const labels: Label[] = new Array<Label>(n);
    for (let i = 0; i < n; i++) {
      const name = r.string();
      labels[i] = { name, value: r.string() };
    }
    visit(ref, labels);
  }
}

/** Worst case per sample: ref delta (zigzag < 2^33) 5 B, time delta (zigzag < 2^53) 8 B, value 8 B. */
const MAX_SAMPLE_BYTES = 21;

/**
 * A Samples record of `n` samples, laid out as Prometheus's: the first ref and time (8 B BE each), then per sample
 * the ref and time as signed varints relative to those, and the value's 8 bytes (BE). About 11–13 bytes a sample.
 * Stale samples are written as the stale NaN bits and any other NaN as the canonical quiet NaN, so staleness survives
 * bit-exact and an ordinary NaN never reads back as stale. The result is a view of a possibly larger buffer.
 */
export function encodeSamples(
  n: number,
  refs: ArrayLike<number>,
  ts: ArrayLike<number>,
  values: ArrayLike<number>,
  stale: ArrayLike<number>,
): Uint8Array {
  if (n > refs.length || n > ts.length || n > values.length || n > stale.length) {
    throw new RangeError(`${n} samples asked for, fewer given`);
  }
  if (n === 0) return new Uint8Array(0);
  const out = Buffer.allocUnsafe(16 + n * MAX_SAMPLE_BYTES);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const firstRef = refs[0];
  const firstT = ts[0];
  checkRef(firstRef);
  checkTime(firstT);
  view.setUint32(0, 0);
  view.setUint32(4, firstRef);
  const hi = Math.floor(firstT / TWO_32);
  view.setInt32(8, hi);
  view.setUint32(12, firstT - hi * TWO_32);
  let pos = 16;
  for (let i = 0; i < n; i++) {
    const ref = refs[i];
    const t = ts[i];
    if (ref >>> 0 !== ref) checkRef(ref);
    if (t !== Math.trunc(t) || t > MAX_TIME || t < -MAX_TIME) checkTime(t);
    const dr = ref - firstRef;
    let z = dr >= 0 ? dr * 2 : -dr * 2 - 1;
    if (z < 128) out[pos++] = z;
    else pos = writeUvarint(out, pos, z);
    const dt = t - firstT;
    z = dt >= 0 ? dt * 2 : -dt * 2 - 1;
    if (z < 128) out[pos++] = z;
    else pos = writeUvarint(out, pos, z);
    const v = values[i];
    if (stale[i] === 1) {
      view.setUint32(pos, STALE_HI);
      view.setUint32(pos + 4, STALE_LO);
    } else if (v !== v) {
      view.setUint32(pos, NAN_HI);
      view.setUint32(pos + 4, 0);
    } else {
      view.setFloat64(pos, v);
    }
    pos += 8;
  }
  return new Uint8Array(out.buffer, out.byteOffset, pos);
}

/**
 * Calls `visit` for each sample of a Samples record, in order; `stale` is true exactly when the value has the stale
 * NaN bits (the value is then NaN). Decodes without allocating per sample.
 */
export function decodeSamples(
  payload: Uint8Array,
  visit: (ref: number, t: number, value: number, stale: boolean) => void,
): void {
  const end = payload.length;
  if (end === 0) return;
  const fail = (message: string, at: number): never => {
    throw new WalRecordError(RECORD.SAMPLES, message, at);
  };
  if (end < 16) fail('short header', 0);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  if (view.getUint32(0) !== 0) fail('series ref above 2^32', 0);
  const firstRef = view.getUint32(4);
  const firstT = view.getInt32(8) * TWO_32 + view.getUint32(12);
  if (firstT > MAX_TIME || firstT < -MAX_TIME) fail('timestamp out of range', 8);
  let pos = 16;
  while (pos < end) {
    const start = pos;
    // ref delta: zigzag uvarint, < 2^33 for refs in [0, 2^32)
    let b = payload[pos++];
    let z = b & 127;
    if (b >= 128) {
      let scale = 128;
      do {
        if (pos >= end || scale > 2 ** 28) fail('bad ref delta', start);
        b = payload[pos++];
        z += (b & 127) * scale;
        scale *= 128;
      } while (b >= 128);
    }
    const ref = firstRef + (z % 2 === 0 ? z / 2 : -(z + 1) / 2);
    if (ref >>> 0 !== ref) fail('series ref out of range', start);
    if (pos >= end) fail('truncated sample', start);
    b = payload[pos++];
    z = b & 127;
    if (b >= 128) {
      let scale = 128;
      do {
        if (pos >= end || scale > 2 ** 49) fail('bad time delta', start);
        b = payload[pos++];
        z += (b & 127) * scale;
        scale *= 128;
      } while (b >= 128);
    }
    const t = firstT + (z % 2 === 0 ? z / 2 : -(z + 1) / 2);
    if (t > MAX_TIME || t < -MAX_TIME) fail('timestamp out of range', start);
    if (pos + 8 > end) fail('truncated sample', start);
    const stale = view.getUint32(pos) === STALE_HI && view.getUint32(pos + 4) === STALE_LO;
    visit(ref, t, view.getFloat64(pos), stale);
    pos += 8;
  }
}

const HINTS: readonly CounterResetHint[] = ['unknown', 'reset', 'not_reset', 'gauge'];

function writeSpans(w: PayloadWriter, spans: readonly Span[]): void {
  w.uvarint(spans.length);
  for (const span of spans) {
    w.varint(span.offset);
    w.uvarint(span.length);
  }
}

function writeFloats(w: PayloadWriter, values: readonly number[]): void {
  w.uvarint(values.length);
  for (const v of values) w.float64(v);
}

function readSpans(r: PayloadReader): Span[] {
  const n = r.count(2);
  const spans = new Array<Span>(n);
  for (let i = 0; i < n; i++) {
    const at = r.pos;
    const offset = r.varint();
    const length = r.uvarint();
    if (offset !== (offset | 0) || length !== length >>> 0) r.fail('span out of range', at);
    spans[i] = { offset, length };
  }
  return spans;
}

function readFloats(r: PayloadReader): number[] {
  const n = r.count(8);
  const values = new Array<number>(n);
  for (let i = 0; i < n; i++) values[i] = r.float64();
  return values;
}

/**
 * A float-histogram samples record, laid out as Prometheus's FloatHistogramSamples (first ref and time, then per item
 * the deltas and the histogram: hint byte, schema, zero threshold, zero count, count, sum, spans, absolute bucket
 * counts) except that the custom bucket bounds always follow, so one record type keeps every field of every histogram
 * (Prometheus puts custom-bucket histograms in a separate type 10).
 */
export function encodeHistograms(items: readonly { ref: number; t: number; h: FloatHistogram }[]): Uint8Array {
  if (items.length === 0) return new Uint8Array(0);
  const first = items[0];
  checkRef(first.ref);
  checkTime(first.t);
  const w = new PayloadWriter(128 * items.length + 16);
  w.ref64(first.ref);
  w.int64(first.t);
  for (const { ref, t, h } of items) {
    checkRef(ref);
    checkTime(t);
    const hint = HINTS.indexOf(h.counterResetHint);
    if (hint < 0) throw new RangeError(`unknown counter reset hint ${String(h.counterResetHint)}`);
    if (h.schema !== (h.schema | 0)) throw new RangeError(`schema ${h.schema} is not an int32`);
    for (const spans of [h.positiveSpans, h.negativeSpans]) {
      for (const s of spans) {
        if (s.offset !== (s.offset | 0) || s.length !== s.length >>> 0) {
          throw new RangeError(`span {offset: ${s.offset}, length: ${s.length}} out of range`);
        }
      }
    }
    w.varint(ref - first.ref);
    w.varint(t - first.t);
    w.u8(hint);
    w.varint(h.schema);
    w.float64(h.zeroThreshold);
    w.float64(h.zeroCount);
    w.float64(h.count);
    w.float64(h.sum);
    writeSpans(w, h.positiveSpans);
    writeSpans(w, h.negativeSpans);
    writeFloats(w, h.positiveBuckets);
    writeFloats(w, h.negativeBuckets);
    writeFloats(w, h.customValues);
  }
  return w.finish();
}

/** Calls `visit` for each histogram of a record written by encodeHistograms, in order. */
export function decodeHistograms(
  payload: Uint8Array,
  visit: (ref: number, t: number, h: FloatHistogram) => void,
): void {
  if (payload.length === 0) return;
  const r = new PayloadReader(RECORD.HISTOGRAMS, payload);
  const firstRef = r.ref64();
  const firstT = r.int64();
  while (!r.done) {
    const at = r.pos;
    const ref = firstRef + r.varint();
    if (ref >>> 0 !== ref) r.fail('series ref out of range', at);
    const t = firstT + r.varint();
    if (t > MAX_TIME || t < -MAX_TIME) r.fail('timestamp out of range', at);
    const hintAt = r.pos;
    const counterResetHint = HINTS[r.u8()] ?? r.fail('unknown counter reset hint', hintAt);
    const schemaAt = r.pos;
    const schema = r.varint();
    if (schema !== (schema | 0)) r.fail('schema out of range', schemaAt);
    r.need(32);
    const zeroThreshold = r.float64();
    const zeroCount = r.float64();
    const count = r.float64();
    const sum = r.float64();
    const positiveSpans = readSpans(r);
    const negativeSpans = readSpans(r);
    const positiveBuckets = readFloats(r);
    const negativeBuckets = readFloats(r);
    const customValues = readFloats(r);
    visit(ref, t, {
      counterResetHint,
      schema,
      zeroThreshold,
      zeroCount,
      count,
      sum,
      positiveSpans,
      positiveBuckets,
      negativeSpans,
      negativeBuckets,
      customValues,
    });
  }
}

/** A metric family's metadata as the head keeps it, per tenant (family = metric family name). */
export interface MetadataEntry {
  tenant: string;
  family: string;
  type: string;
  help: string;
  unit: string;
}

/**
 * A Metadata record: each entry as five uvarint-length UTF-8 strings (tenant, family, type, help, unit). Prometheus
 * keys metadata by series ref; vigil keys it by tenant and family, so the layout is vigil's own.
 */
export function encodeMetadata(entries: readonly MetadataEntry[]): Uint8Array {
  const w = new PayloadWriter(96 * entries.length + 16);
  for (const e of entries) {
    w.string(e.tenant);
    w.string(e.family);
    w.string(e.type);
    w.string(e.help);
    w.string(e.unit);
  }
  return w.finish();
}

/** Calls `visit` for each entry of a Metadata record, in order. */
export function decodeMetadata(payload: Uint8Array, visit: (e: MetadataEntry) => void): void {
  const r = new PayloadReader(RECORD.METADATA, payload);
  while (!r.done) {
    const tenant = r.string();
    const family = r.string();
    const type = r.string();
    const help = r.string();
    visit({ tenant, family, type, help, unit: r.string() });
  }
}
