import type { CounterResetHint, FloatHistogram, Span } from '../../promql/engine/histograms/native/float-histogram.js';
import { expect, FIXED64, LENGTH_DELIMITED, VARINT, type ProtoReader } from './proto-reader.js';
import type { WireHistogramSample } from './wire-types.js';

const HINTS: readonly CounterResetHint[] = ['unknown', 'reset', 'not_reset', 'gauge'];
const MESSAGE = 'Histogram';

/**
 * Reads one length-prefixed `Histogram` message (the same field numbers in remote-write 1.0's prompb/types.proto and
 * 2.0's io/prometheus/write/v2/types.proto; 2.0's `start_timestamp` = 17 is skipped) and turns it into the engine's `FloatHistogram`: an integer
 * histogram (`count_int` set, or no count at all) has its delta-encoded bucket counts summed into absolute counts, as
 * Prometheus's `ToFloatHistogram` does; a float histogram (`count_float` set) takes its absolute counts as they are.
 * Repeated scalars are accepted packed and unpacked, as proto3 requires.
 */
export function readHistogram(r: ProtoReader): WireHistogramSample {
  const outer = r.enter();
  let isFloat = false;
  let count = 0;
  let sum = 0;
  let stale = false;
  let schema = 0;
  let zeroThreshold = 0;
  let zeroCount = 0;
  let zeroCountIsFloat = false;
  let resetHint = 0;
  let t = 0;
  const negativeSpans: Span[] = [];
  const positiveSpans: Span[] = [];
  const negativeDeltas: number[] = [];
  const positiveDeltas: number[] = [];
  const negativeCounts: number[] = [];
  const positiveCounts: number[] = [];
  const customValues: number[] = [];
  while (r.pos < r.end) {
    const tag = r.tag(MESSAGE);
    const wireType = tag & 7;
    switch (tag >>> 3) {
      case 1:
        expect(wireType, VARINT, 'CountInt');
        count = r.uint64();
        isFloat = false;
        break;
      case 2:
        expect(wireType, FIXED64, 'CountFloat');
        count = r.double();
        isFloat = true;
        break;
      case 3:
        expect(wireType, FIXED64, 'Sum');
        sum = r.double();
        stale = sum !== sum && r.lastDoubleIsStale();
        break;
      case 4:
        expect(wireType, VARINT, 'Schema');
        schema = r.sint32();
        break;
      case 5:
        expect(wireType, FIXED64, 'ZeroThreshold');
        zeroThreshold = r.double();
        break;
      case 6:
        expect(wireType, VARINT, 'ZeroCountInt');
        zeroCount = r.uint64();
        zeroCountIsFloat = false;
        break;
      case 7:
        expect(wireType, FIXED64, 'ZeroCountFloat');
        zeroCount = r.double();
        zeroCountIsFloat = true;
        break;
      case 8:
        expect(wireType, LENGTH_DELIMITED, 'NegativeSpans');
        negativeSpans.push(readSpan(r));
        break;
      case 9:
        readSint64s(r, wireType, negativeDeltas, 'NegativeDeltas');
        break;
      case 10:
        readDoubles(r, wireType, negativeCounts, 'NegativeCounts');
        break;
      case 11:
        expect(wireType, LENGTH_DELIMITED, 'PositiveSpans');
        positiveSpans.push(readSpan(r));
        break;
      case 12:
        readSint64s(r, wireType, positiveDeltas, 'PositiveDeltas');
        break;
      case 13:
        readDoubles(r, wireType, positiveCounts, 'PositiveCounts');
        break;
      case 14:
        expect(wireType, VARINT, 'ResetHint');
        resetHint = r.uint32();
        break;
      case 15:
        expect(wireType, VARINT, 'Timestamp');
        t = r.int64();
        break;
      case 16:
        readDoubles(r, wireType, customValues, 'CustomValues');
        break;
      default:
        r.skip(wireType, MESSAGE);
    }
  }
  r.leave(outer);
  const h: FloatHistogram = {
    counterResetHint: HINTS[resetHint] ?? 'unknown',
    schema,
    zeroThreshold,
    // The zero_count oneof is read in the kind of the count oneof, as Go's getters return 0 for the other member.
    zeroCount: zeroCountIsFloat === isFloat ? zeroCount : 0,
    count,
    sum,
    positiveSpans,
    positiveBuckets: isFloat ? positiveCounts : absolute(positiveDeltas),
    negativeSpans,
    negativeBuckets: isFloat ? negativeCounts : absolute(negativeDeltas),
    customValues,
  };
  return { t, h, stale };
}

function readSpan(r: ProtoReader): Span {
  const outer = r.enter();
  const end = r.end;
  let offset = 0;
  let length = 0;
  while (r.pos < end) {
    const tag = r.tag('BucketSpan');
    const wireType = tag & 7;
    switch (tag >>> 3) {
      case 1:
        expect(wireType, VARINT, 'Offset');
        offset = r.sint32();
        break;
      case 2:
        expect(wireType, VARINT, 'Length');
        length = r.uint32();
        break;
      default:
        r.skip(wireType, 'BucketSpan');
    }
  }
  r.leave(outer);
  return { offset, length };
}

function readSint64s(r: ProtoReader, wireType: number, into: number[], field: string): void {
  if (wireType === VARINT) {
    into.push(r.sint64());
    return;
  }
  expect(wireType, LENGTH_DELIMITED, field);
  const outer = r.enter();
  const end = r.end;
  while (r.pos < end) into.push(r.sint64());
  r.leave(outer);
}

function readDoubles(r: ProtoReader, wireType: number, into: number[], field: string): void {
  if (wireType === FIXED64) {
    into.push(r.double());
    return;
  }
  expect(wireType, LENGTH_DELIMITED, field);
  const outer = r.enter();
  const end = r.end;
  while (r.pos < end) into.push(r.double());
  r.leave(outer);
}

function absolute(deltas: number[]): number[] {
  let running = 0;
  for (let i = 0; i < deltas.length; i++) {
    running += deltas[i] as number;
    deltas[i] = running;
  }
  return deltas;
}
