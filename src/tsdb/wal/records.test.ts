import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Labels } from '../../promql/engine/core/labels.js';
import type { FloatHistogram } from '../../promql/engine/histograms/native/float-histogram.js';
import { floatHistogram } from '../../promql/engine/histograms/native/float-histogram.js';
import { WalRecordError } from './errors.js';
import type { MetadataEntry } from './records.js';
import {
  RECORD,
  decodeHistograms,
  decodeMetadata,
  decodeSamples,
  decodeSeries,
  encodeHistograms,
  encodeMetadata,
  encodeSamples,
  encodeSeries,
} from './records.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const fromHex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s/g, ''), 'hex'));

function isRecordError(type: number): (error: unknown) => boolean {
  return (error: unknown) => error instanceof WalRecordError && error.recordType === type;
}

/**
 * Every proper non-empty prefix of a payload must throw WalRecordError, except `whole` lengths (a first-ref-and-time
 * header alone is a valid record of no samples).
 */
function assertPrefixesThrow(
  payload: Uint8Array,
  type: number,
  decode: (p: Uint8Array) => void,
  whole: number[] = [],
): void {
  for (let n = 1; n < payload.length; n++) {
    if (whole.includes(n)) continue;
    assert.throws(() => decode(payload.subarray(0, n)), isRecordError(type), `prefix of ${n} bytes`);
  }
}

interface Sample {
  ref: number;
  t: number;
  value: number;
  stale: boolean;
}

function roundTripSamples(samples: readonly Sample[]): Sample[] {
  const payload = encodeSamples(
    samples.length,
    samples.map((s) => s.ref),
    samples.map((s) => s.t),
    Float64Array.from(samples.map((s) => s.value)),
    samples.map((s) => (s.stale ? 1 : 0)),
  );
  const out: Sample[] = [];
  decodeSamples(payload, (ref, t, value, stale) => out.push({ ref, t, value, stale }));
  return out;
}

function decodeAllSeries(payload: Uint8Array): { ref: number; labels: Labels }[] {
  const out: { ref: number; labels: Labels }[] = [];
  decodeSeries(payload, (ref, labels) => out.push({ ref, labels }));
  return out;
}

function decodeAllHistograms(payload: Uint8Array): { ref: number; t: number; h: FloatHistogram }[] {
  const out: { ref: number; t: number; h: FloatHistogram }[] = [];
  decodeHistograms(payload, (ref, t, h) => out.push({ ref, t, h }));
  return out;
}

function decodeAllMetadata(payload: Uint8Array): MetadataEntry[] {
  const out: MetadataEntry[] = [];
  decodeMetadata(payload, (e) => out.push(e));
  return out;
}

const MAX_REF = 2 ** 32 - 1;
const MAX_T = 2 ** 51;
const arbRef = fc.integer({ min: 0, max: MAX_REF });
const arbTime = fc.oneof(fc.integer({ min: -MAX_T, max: MAX_T }), fc.integer({ min: 1.7e12, max: 1.8e12 }));
const arbString = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ minLength: 30, maxLength: 300 }));

describe('RECORD', () => {
  it('uses Prometheus record type numbers', () => {
    assert.deepEqual(RECORD, { SERIES: 1, SAMPLES: 2, METADATA: 6, HISTOGRAMS: 8 });
  });
});

describe('Series records', () => {
  it('lays out ref (8 B BE), label count and length-prefixed names and values', () => {
    const payload = encodeSeries([1, MAX_REF], [[{ name: 'a', value: 'bc' }], []]);
    assert.equal(hex(payload), '0000000000000001' + '01' + '0161' + '026263' + '00000000ffffffff' + '00');
  });

  it('round-trips random series, including unicode and long strings', () => {
    const arbLabels = fc.array(
      fc.tuple(arbString, arbString).map(([name, value]) => ({ name, value })),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(arbRef, arbLabels), { maxLength: 20 }), (series) => {
        const payload = encodeSeries(
          series.map(([ref]) => ref),
          series.map(([, labels]) => labels),
        );
        assert.deepEqual(
          decodeAllSeries(payload),
          series.map(([ref, labels]) => ({ ref, labels })),
        );
      }),
      { numRuns: 150 },
    );
  });

  it('encodes an empty list as an empty payload', () => {
    assert.equal(encodeSeries([], []).length, 0);
    assert.deepEqual(decodeAllSeries(new Uint8Array(0)), []);
  });

  it('writes non-ASCII strings as UTF-8', () => {
    const labels: Labels = [{ name: 'métrica', value: '日本語 😀' }];
    const payload = encodeSeries([7], [labels]);
    const name = Buffer.from('métrica', 'utf8');
    assert.equal(hex(payload.subarray(9, 10 + name.length)), hex(Uint8Array.of(name.length, ...name)));
    assert.deepEqual(decodeAllSeries(payload), [{ ref: 7, labels }]);
  });

  it('refuses mismatched lists and refs outside [0, 2^32)', () => {
    assert.throws(() => encodeSeries([1, 2], [[]]), /2 refs for 1 label sets/);
    for (const ref of [-1, 2 ** 32, 1.5, NaN]) assert.throws(() => encodeSeries([ref], [[]]), RangeError);
  });

  it('throws WalRecordError for truncated, oversized, out-of-range and non-UTF-8 payloads', () => {
    const payload = encodeSeries([3], [[{ name: '__name__', value: 'up' }]]);
    assertPrefixesThrow(payload, RECORD.SERIES, decodeAllSeries);
    assert.throws(() => decodeAllSeries(fromHex('0000000100000000 00')), /series ref above 2\^32/);
    assert.throws(() => decodeAllSeries(fromHex('0000000000000001 7f 00')), /count 127 exceeds the payload/);
    assert.throws(() => decodeAllSeries(fromHex('0000000000000001 01 01ff 00')), /invalid UTF-8/);
    assert.throws(() => decodeAllSeries(fromHex('0000000000000001 01 02c328 00')), /invalid UTF-8/);
    assert.throws(() => decodeAllSeries(fromHex('0000000000000001 01 ffffffffffffffff01')), /varint too long/);
  });
});

describe('Samples records', () => {
  it("lays out first ref and time, then zigzag deltas and big-endian values, as Prometheus's", () => {
    const payload = encodeSamples(2, [5, 4], [1000, 1015], [1.5, -2], [0, 0]);
    assert.equal(
      hex(payload),
      '0000000000000005' + '00000000000003e8' + '00' + '00' + '3ff8000000000000' + '01' + '1e' + 'c000000000000000',
    );
  });

  it('writes stale samples as the stale NaN bits and other NaNs as the quiet NaN, and reads them back apart', () => {
    const staleBits = new Float64Array(1);
    new DataView(staleBits.buffer).setBigUint64(0, 0x7ff0000000000002n, true);
    const values = Float64Array.of(NaN, 1, staleBits[0] as number, NaN);
    const payload = encodeSamples(4, [1, 1, 1, 1], [1, 2, 3, 4], values, [0, 1, 0, 1]);
    const valueBytes = [0, 1, 2, 3].map((i) => hex(payload.subarray(16 + 2 + i * 10, 16 + 10 + i * 10)));
    assert.deepEqual(valueBytes, ['7ff8000000000000', '7ff0000000000002', '7ff8000000000000', '7ff0000000000002']);
    const out: [number, boolean][] = [];
    decodeSamples(payload, (_ref, _t, value, stale) => out.push([value, stale]));
    assert.deepEqual(out, [
      [NaN, false],
      [NaN, true],
      [NaN, false],
      [NaN, true],
    ]);
  });

  it('keeps -0, infinities, subnormals and extreme values bit for bit', () => {
    const values = [-0, 0, Infinity, -Infinity, Number.MIN_VALUE, -Number.MAX_VALUE, 2 ** -1074 * 3, 0.1];
    const samples = values.map((value, i) => ({ ref: i, t: i, value, stale: false }));
    const out = roundTripSamples(samples);
    assert.deepEqual(out, samples);
    assert.ok(Object.is(out[0]?.value, -0));
  });

  it('round-trips negative times, large ref and time deltas and random samples', () => {
    const extremes: Sample[] = [
      { ref: MAX_REF, t: -5, value: 1, stale: false },
      { ref: 0, t: MAX_T, value: 2, stale: true },
      { ref: MAX_REF, t: -MAX_T, value: 3, stale: false },
      { ref: 2 ** 31, t: -1, value: 4, stale: false },
    ];
    assert.deepEqual(
      roundTripSamples(extremes),
      extremes.map((s) => (s.stale ? { ...s, value: NaN } : s)),
    );
    const arbSample = fc
      .tuple(arbRef, arbTime, fc.double({ noNaN: true }), fc.boolean())
      .map(([ref, t, value, stale]) => ({ ref, t, value, stale }));
    fc.assert(
      fc.property(fc.array(arbSample, { maxLength: 50 }), (samples) => {
        assert.deepEqual(
          roundTripSamples(samples),
          samples.map((s) => (s.stale ? { ...s, value: NaN } : s)),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('handles many samples and only the first n of longer arrays', () => {
    const n = 100_000;
    const refs = Uint32Array.from({ length: n + 5 }, (_, i) => (i * 7919) % 100_003);
    const ts = Float64Array.from({ length: n + 5 }, (_, i) => 1.7e12 + i * 15_000);
    const values = Float64Array.from({ length: n + 5 }, (_, i) => i / 3);
    const payload = encodeSamples(n, refs, ts, values, new Uint8Array(n + 5));
    let i = 0;
    decodeSamples(payload, (ref, t, value, stale) => {
      assert.ok(ref === refs[i] && t === ts[i] && value === values[i] && !stale, `sample ${i}`);
      i++;
    });
    assert.equal(i, n);
  });

  it('encodes no samples as an empty payload', () => {
    assert.equal(encodeSamples(0, [], [], [], []).length, 0);
    let calls = 0;
    decodeSamples(new Uint8Array(0), () => calls++);
    assert.equal(calls, 0);
  });

  it('refuses short inputs, refs outside [0, 2^32) and times that are not integers within ±2^51', () => {
    assert.throws(() => encodeSamples(2, [1], [1, 2], [1, 2], [0, 0]), /2 samples asked for/);
    for (const ref of [-1, 2 ** 32, 0.5, NaN]) {
      assert.throws(() => encodeSamples(1, [ref], [0], [0], [0]), RangeError);
      assert.throws(() => encodeSamples(2, [0, ref], [0, 0], [0, 0], [0, 0]), RangeError);
    }
    for (const t of [0.5, MAX_T + 1, -MAX_T - 1, NaN, Infinity]) {
      assert.throws(() => encodeSamples(1, [0], [t], [0], [0]), RangeError);
      assert.throws(() => encodeSamples(2, [0, 0], [0, t], [0, 0], [0, 0]), RangeError);
    }
  });

  it('throws WalRecordError for truncated and out-of-range payloads', () => {
    const args = [
      [300, 9, 1e6],
      [0, -300, 1e9],
      [1, 2, 3],
      [0, 0, 1],
    ] as const;
    const payload = encodeSamples(3, ...args);
    const boundaries = [16, encodeSamples(1, ...args).length, encodeSamples(2, ...args).length];
    assert.deepEqual(boundaries, [16, 26, 38]);
    assertPrefixesThrow(payload, RECORD.SAMPLES, (p) => decodeSamples(p, () => {}), boundaries);
    let calls = 0;
    decodeSamples(payload.subarray(0, 16), () => calls++);
    assert.equal(calls, 0);
    const header = '0000000000000001' + '0000000000000000';
    assert.throws(() => decodeSamples(fromHex('0000000100000000 0000000000000000'), () => {}), /ref above 2\^32/);
    assert.throws(
      () => decodeSamples(fromHex('0000000000000000 0008000000000001'), () => {}),
      /timestamp out of range/,
    );
    assert.throws(() => decodeSamples(fromHex(header + '03 00 0000000000000000'), () => {}), /series ref out of range/);
    assert.throws(() => decodeSamples(fromHex(header + 'ffffffffff7f 00'), () => {}), /bad ref delta/);
    assert.throws(() => decodeSamples(fromHex(header + '00 ffffffffffffffff7f'), () => {}), /bad time delta/);
    assert.throws(() => decodeSamples(fromHex(header + '00 8080808080808010 00'), () => {}), /timestamp out of range/);
  });
});

const HISTOGRAMS: FloatHistogram[] = [
  floatHistogram(),
  floatHistogram({
    counterResetHint: 'reset',
    schema: 3,
    zeroThreshold: 1e-128,
    zeroCount: 2.5,
    count: 20.5,
    sum: -3.25,
    positiveSpans: [
      { offset: -5, length: 2 },
      { offset: 3, length: 1 },
    ],
    positiveBuckets: [1, 2.5, 3],
    negativeSpans: [{ offset: 2 ** 31 - 1, length: 2 ** 32 - 1 }],
    negativeBuckets: [11.5],
  }),
  floatHistogram({
    counterResetHint: 'not_reset',
    schema: -53,
    count: 6,
    sum: NaN,
    positiveSpans: [{ offset: 0, length: 3 }],
    positiveBuckets: [1, 2, 3],
    customValues: [0.5, 1, Infinity],
  }),
  floatHistogram({ counterResetHint: 'gauge', schema: -4, zeroCount: -0, count: -0, sum: -0 }),
  floatHistogram({ schema: 8, negativeSpans: [{ offset: -(2 ** 31), length: 0 }] }),
];

describe('Histogram records', () => {
  it('round-trips every field of every histogram, with refs and times', () => {
    const items = HISTOGRAMS.map((h, i) => ({
      ref: [10, 0, MAX_REF, 3, 10][i] as number,
      t: [5, -MAX_T, MAX_T, 0, 1][i] as number,
      h,
    }));
    const out = decodeAllHistograms(encodeHistograms(items));
    assert.deepEqual(out, items);
    assert.ok(Object.is(out[3]?.h.sum, -0));
  });

  it("starts like Prometheus's FloatHistogramSamples: first ref and time, deltas, hint, schema, floats", () => {
    const payload = encodeHistograms([
      { ref: 2, t: 7, h: floatHistogram({ counterResetHint: 'gauge', schema: -1, count: 1 }) },
    ]);
    assert.equal(
      hex(payload),
      '0000000000000002' +
        '0000000000000007' +
        '00' +
        '00' +
        '03' +
        '01' +
        '0000000000000000' +
        '0000000000000000' +
        '3ff0000000000000' +
        '0000000000000000' +
        '00' +
        '00' +
        '00' +
        '00' +
        '00',
    );
  });

  it('encodes no histograms as an empty payload', () => {
    assert.equal(encodeHistograms([]).length, 0);
    assert.deepEqual(decodeAllHistograms(new Uint8Array(0)), []);
  });

  it('refuses bad refs, times, hints, schemas and spans', () => {
    const h = floatHistogram();
    assert.throws(() => encodeHistograms([{ ref: -1, t: 0, h }]), RangeError);
    assert.throws(
      () =>
        encodeHistograms([
          { ref: 0, t: 0, h },
          { ref: 2 ** 32, t: 0, h },
        ]),
      RangeError,
    );
    assert.throws(() => encodeHistograms([{ ref: 0, t: 0.5, h }]), RangeError);
    assert.throws(
      () =>
        encodeHistograms([
          { ref: 0, t: 0, h },
          { ref: 0, t: MAX_T * 2, h },
        ]),
      RangeError,
    );
    const badHint = { ...h, counterResetHint: 'maybe' } as unknown as FloatHistogram;
    assert.throws(() => encodeHistograms([{ ref: 0, t: 0, h: badHint }]), /unknown counter reset hint maybe/);
    assert.throws(() => encodeHistograms([{ ref: 0, t: 0, h: { ...h, schema: 0.5 } }]), /schema 0.5/);
    assert.throws(
      () => encodeHistograms([{ ref: 0, t: 0, h: { ...h, positiveSpans: [{ offset: 2 ** 31, length: 1 }] } }]),
      /span .* out of range/,
    );
    assert.throws(
      () => encodeHistograms([{ ref: 0, t: 0, h: { ...h, negativeSpans: [{ offset: 0, length: -1 }] } }]),
      /span .* out of range/,
    );
  });

  it('throws WalRecordError for truncated and malformed payloads', () => {
    const items = HISTOGRAMS.map((h, i) => ({ ref: i, t: i, h }));
    const boundaries = [16, ...items.map((_, k) => encodeHistograms(items.slice(0, k + 1)).length)];
    assertPrefixesThrow(encodeHistograms(items), RECORD.HISTOGRAMS, decodeAllHistograms, boundaries);
    const one = encodeHistograms([{ ref: 1, t: 1, h: floatHistogram({ positiveSpans: [{ offset: 1, length: 1 }] }) }]);
    const hintAt = 18;
    const badHint = one.slice();
    badHint[hintAt] = 4;
    assert.throws(() => decodeAllHistograms(badHint), /unknown counter reset hint/);
    const badSchema = Uint8Array.from([
      ...one.subarray(0, hintAt + 1),
      0x80,
      0x80,
      0x80,
      0x80,
      0x10,
      ...one.subarray(hintAt + 2),
    ]);
    assert.throws(() => decodeAllHistograms(badSchema), /schema out of range/);
    const spansAt = hintAt + 2 + 32;
    const badSpan = Uint8Array.from([
      ...one.subarray(0, spansAt + 1),
      0x80,
      0x80,
      0x80,
      0x80,
      0x10,
      ...one.subarray(spansAt + 2),
    ]);
    assert.throws(() => decodeAllHistograms(badSpan), /span out of range/);
    const tooMany = one.slice();
    tooMany[spansAt] = 100;
    assert.throws(() => decodeAllHistograms(tooMany), /count 100 exceeds the payload/);
    const badRef = fromHex('0000000000000000 0000000000000000 01 00');
    assert.throws(() => decodeAllHistograms(badRef), /series ref out of range/);
    const badTime = fromHex('0000000000000000 0007ffffffffffff 00 04');
    assert.throws(() => decodeAllHistograms(badTime), /timestamp out of range/);
    assert.throws(() => decodeAllHistograms(fromHex('0000000000000000 0008000000000001')), /timestamp out of range/);
  });
});

describe('Metadata records', () => {
  it('lays out each entry as five length-prefixed strings', () => {
    const payload = encodeMetadata([{ tenant: 't', family: 'up', type: 'gauge', help: '', unit: 's' }]);
    assert.equal(hex(payload), '0174' + '027570' + '056761756765' + '00' + '0173');
  });

  it('round-trips random entries, including unicode and empty strings', () => {
    const arbEntry = fc
      .tuple(arbString, arbString, arbString, arbString, arbString)
      .map(([tenant, family, type, help, unit]) => ({ tenant, family, type, help, unit }));
    fc.assert(
      fc.property(fc.array(arbEntry, { maxLength: 10 }), (entries) => {
        assert.deepEqual(decodeAllMetadata(encodeMetadata(entries)), entries);
      }),
      { numRuns: 150 },
    );
  });

  it('encodes no entries as an empty payload', () => {
    assert.equal(encodeMetadata([]).length, 0);
    assert.deepEqual(decodeAllMetadata(new Uint8Array(0)), []);
  });

  it('throws WalRecordError for truncated payloads and invalid UTF-8', () => {
    const payload = encodeMetadata([
      { tenant: 'acme', family: 'http_requests', type: 'counter', help: 'Requests é', unit: '' },
    ]);
    assertPrefixesThrow(payload, RECORD.METADATA, decodeAllMetadata);
    assert.throws(() => decodeAllMetadata(fromHex('01 80 00 00 00 00')), /invalid UTF-8/);
  });
});
