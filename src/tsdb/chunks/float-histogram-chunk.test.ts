import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CounterResetHint, FloatHistogram } from '../../promql/engine/histograms/native/float-histogram.js';
import { fh } from '../../promql/testing/histogram-fixtures.js';
import { TsdbCorruptionError } from './errors.js';
import {
  FloatHistogramAppender,
  iterateFloatHistogramChunk,
  readFloatHistogramChunk,
} from './float-histogram-chunk.js';

/** Bytes from hex bytes and bit strings ('b:0101…') in order, zero-padded to a byte at the end; spaces ignored. */
function bytesOf(...parts: string[]): Uint8Array {
  let bits = '';
  for (const part of parts) {
    if (part.startsWith('b:')) bits += part.slice(2).replace(/ /g, '');
    else for (const hex of part.split(' ').filter(Boolean)) bits += parseInt(hex, 16).toString(2).padStart(8, '0');
  }
  bits += '0'.repeat((8 - (bits.length % 8)) % 8);
  return Uint8Array.from({ length: bits.length / 8 }, (_, i) => parseInt(bits.slice(i * 8, i * 8 + 8), 2));
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

interface Sample {
  t: number;
  h: FloatHistogram;
}

function encode(samples: readonly Sample[]): Uint8Array {
  const appender = new FloatHistogramAppender();
  for (const s of samples) appender.append(s.t, s.h);
  return appender.bytes();
}

function decode(bytes: Uint8Array): Sample[] {
  return [...iterateFloatHistogramChunk(bytes)];
}

/** An exponential histogram growing over time, with positive and negative spans and a zero bucket. */
function exponential(i: number, hint: CounterResetHint = 'not_reset'): FloatHistogram {
  return fh({
    counterResetHint: hint,
    schema: 3,
    zeroThreshold: 2.938735877055719e-39,
    zeroCount: 2 + i,
    count: 40 + 9 * i,
    sum: 123.25 + i * 17.5,
    positiveSpans: [
      [-2, 3],
      [4, 2],
    ],
    positiveBuckets: [1 + i, 0, 3 + 2 * i, 7, 12 + i],
    negativeSpans: [[1, 2]],
    negativeBuckets: [9 + 3 * i, 6],
  });
}

/** Classic buckets as a native histogram (NHCB): schema −53 with custom upper bounds. */
function custom(i: number, bounds: number[] = [0.005, 0.01, 0.1, 1, 10]): FloatHistogram {
  return fh({
    counterResetHint: 'not_reset',
    schema: -53,
    count: 100 + i,
    sum: 42.5 + i / 4,
    positiveSpans: [[0, bounds.length + 1]],
    positiveBuckets: [...bounds.map((_, b) => b * 10 + i), 1],
    customValues: bounds,
  });
}

describe('FloatHistogramAppender: format (documented at the top of float-histogram-chunk.ts)', () => {
  it('writes the exact bytes of a 3-sample chunk', () => {
    const first = fh({
      schema: 3,
      count: 1,
      sum: 1.5,
      positiveSpans: [[-2, 1]],
      positiveBuckets: [1],
    });
    const second = fh({ ...first, counterResetHint: 'not_reset', count: 2, positiveBuckets: [2] });
    const bytes = encode([
      { t: 1000, h: first },
      { t: 16000, h: second },
      { t: 31000, h: second },
    ]);
    const expected = bytesOf(
      '00 03', // sample count
      'd0 0f', // t_0 = 1000, zig-zag varint
      'b:1 00 1', // meta: hint unknown, layout follows
      'b:00000110', // schema 3 (zig-zag 6)
      'b:' + '0'.repeat(64), // zero threshold 0
      'b:00000001 00000011 00000001', // 1 positive span: offset −2 (zig-zag 3), length 1
      'b:00000000 00000000', // no negative spans, no custom bounds
      'b:11 00010 001010 1111111111', // count 1.0 XOR 0: leading 2, 10 significant bits
      'b:0', // zero count 0
      'b:11 00010 001011 11111111111', // sum 1.5 = 0x3ff8…: leading 2, 11 bits
      'b:11 00010 001010 1111111111', // bucket 1.0
      'b:10011000 01110101', // Δt 15000 as an unsigned varint, not byte-aligned
      'b:1 10 0', // meta: hint not_reset, same layout
      'b:11 00001 001011 11111111111', // count 1.0 → 2.0: 0x7ff0… does not fit the window (leading 1 < 2)
      'b:0 0', // zero count, sum unchanged
      'b:11 00001 001011 11111111111', // bucket 1.0 → 2.0
      'b:0 0 0 0 0 0', // sample 2: dod 0, same meta, four unchanged floats
    );
    assert.equal(hex(bytes), '0003d00f90600000000000000000103010000c457fec45fffc457ff30eb984bffe612fff80');
    assert.equal(hex(bytes), hex(expected));
    assert.deepEqual(decode(bytes), [
      { t: 1000, h: first },
      { t: 16000, h: second },
      { t: 31000, h: second },
    ]);
  });

  it('costs one dod bit, one meta bit and one bit per float for a repeated sample', () => {
    const appender = new FloatHistogramAppender();
    for (let i = 0; i < 3; i++) appender.append(i * 15_000, exponential(0));
    const before = appender.bytes().length * 8;
    const bits = () => appender.byteLength * 8;
    for (let i = 3; i < 3 + 80; i++) appender.append(i * 15_000, exponential(0));
    // 80 samples × (dod 1 + meta 1 + 3 fixed fields + 7 buckets) = 960 bits, a whole number of bytes
    assert.equal(bits() - before, 960);
  });

  it('starts with a zero count when empty', () => {
    const appender = new FloatHistogramAppender();
    assert.deepEqual(
      [hex(appender.bytes()), appender.count, appender.byteLength, appender.minT, appender.maxT],
      ['0000', 0, 2, Infinity, -Infinity],
    );
    assert.deepEqual(decode(appender.bytes()), []);
  });
});

describe('FloatHistogramAppender / iterateFloatHistogramChunk: round trips', () => {
  it('keeps exponential histograms with positive and negative spans and a zero bucket', () => {
    const samples = Array.from({ length: 50 }, (_, i) => ({ t: 1_700_000_000_000 + i * 15_000, h: exponential(i) }));
    assert.deepEqual(decode(encode(samples)), samples);
  });

  it('keeps custom-bucket histograms (schema −53 with custom bounds)', () => {
    const samples = Array.from({ length: 20 }, (_, i) => ({ t: i * 60_000, h: custom(i) }));
    const decoded = decode(encode(samples));
    assert.deepEqual(decoded, samples);
    assert.deepEqual(decoded[3]?.h.customValues, [0.005, 0.01, 0.1, 1, 10]);
  });

  it('keeps layout changes mid-chunk: spans, schema, zero threshold, custom bounds, and back', () => {
    const base = exponential(1);
    const samples: Sample[] = [
      { t: 0, h: base },
      { t: 10, h: fh({ ...base, positiveSpans: [[-2, 4]], positiveBuckets: [1, 2, 3, 4] }) },
      { t: 20, h: fh({ ...base, positiveSpans: [[-2, 4]], positiveBuckets: [1, 2, 3, 5] }) },
      { t: 30, h: fh({ ...base, schema: 2 }) },
      { t: 40, h: fh({ ...base, schema: 2, zeroThreshold: 0.001 }) },
      { t: 50, h: fh({ ...base, negativeSpans: [], negativeBuckets: [] }) },
      { t: 60, h: custom(0) },
      { t: 70, h: custom(1, [1, 2, 3, 4, 5]) },
      { t: 80, h: custom(2, [1, 2, 3, 4, 5]) },
      { t: 90, h: fh({}) },
      { t: 100, h: base },
      { t: 110, h: exponential(2) },
    ];
    const decoded = decode(encode(samples));
    assert.deepEqual(decoded, samples);
    assert.equal(decoded[1]?.h.positiveSpans, decoded[2]?.h.positiveSpans, 'one layout, one spans array');
  });

  it('keeps the counter-reset hint of every sample', () => {
    const hints: CounterResetHint[] = ['reset', 'not_reset', 'not_reset', 'unknown', 'gauge', 'gauge', 'reset'];
    const samples = hints.map((hint, i) => ({ t: i * 1000, h: exponential(i, hint) }));
    assert.deepEqual(
      decode(encode(samples)).map((s) => s.h.counterResetHint),
      hints,
    );
  });

  it('keeps NaN and infinite sums, −0, and a NaN bucket to the bit (as numbers)', () => {
    const values = [NaN, Infinity, -Infinity, -0, 0, 5e-324, Number.MAX_VALUE];
    const samples = values.map((v, i) => ({
      t: i,
      h: fh({ ...exponential(i), sum: v, zeroCount: -v, positiveBuckets: [v, 0, 1, 2, v] }),
    }));
    const decoded = decode(encode(samples));
    assert.deepEqual(decoded, samples);
    assert.ok(Object.is(decoded[3]?.h.sum, -0));
    assert.ok(Object.is(decoded[4]?.h.zeroCount, -0));
  });

  it('keeps negative times, dods at the bucket edges and beyond 2^31', () => {
    const times = [-1_000_000, -999_000, -998_000, -988_807, 2 ** 33, 2 ** 33 + 1, 2 ** 45];
    const samples = times.map((t, i) => ({ t, h: exponential(i) }));
    assert.deepEqual(
      decode(encode(samples)).map((s) => s.t),
      times,
    );
  });

  it('tracks count, byte length and time bounds', () => {
    const appender = new FloatHistogramAppender();
    appender.append(500, exponential(0));
    appender.append(900, exponential(1));
    assert.deepEqual([appender.count, appender.minT, appender.maxT], [2, 500, 900]);
    assert.equal(appender.byteLength, appender.bytes().length);
  });
});

describe('FloatHistogramAppender.resume', () => {
  const samples: Sample[] = [];
  for (let i = 0; i < 30; i++) {
    const h = i % 7 === 3 ? custom(i) : i % 11 === 5 ? fh({ ...exponential(i), schema: 1 }) : exponential(i);
    samples.push({ t: i * 15_000 + (i % 4) * 3 + (i >= 9 ? 100_000 : 0) + i * i, h });
  }

  it('continues a chunk so that the bytes are those of appending everything at once, at every split', () => {
    const whole = hex(encode(samples));
    for (let split = 0; split <= samples.length; split++) {
      const resumed = FloatHistogramAppender.resume(encode(samples.slice(0, split)));
      assert.equal(resumed.count, split);
      for (const s of samples.slice(split)) resumed.append(s.t, s.h);
      assert.equal(hex(resumed.bytes()), whole, `split at ${split}`);
      assert.deepEqual([resumed.minT, resumed.maxT], [samples[0]?.t, samples.at(-1)?.t]);
    }
  });
});

describe('readFloatHistogramChunk', () => {
  const samples = Array.from({ length: 10 }, (_, i) => ({ t: 1000 + i * 100, h: exponential(i) }));
  const bytes = encode(samples);

  it('decodes the samples with start <= t <= end into the output arrays, after what they hold', () => {
    const outT = [1];
    const outH = [fh({})];
    readFloatHistogramChunk(bytes, 1200, 1400, outT, outH);
    assert.deepEqual(outT, [1, 1200, 1300, 1400]);
    assert.deepEqual(outH.slice(1), [exponential(2), exponential(3), exponential(4)]);
  });

  it('stops at the first sample after end without decoding the rest', () => {
    const truncated = bytes.subarray(0, bytes.length - 3);
    const outT: number[] = [];
    readFloatHistogramChunk(truncated, 0, 1100, outT, []);
    assert.deepEqual(outT, [1000, 1100]);
    assert.throws(() => readFloatHistogramChunk(truncated, 0, 5000, [], []), TsdbCorruptionError);
  });

  it('decodes nothing for a range outside the chunk', () => {
    const outT: number[] = [];
    readFloatHistogramChunk(bytes, 0, 999, outT, []);
    readFloatHistogramChunk(bytes, 1901, 3000, outT, []);
    assert.deepEqual(outT, []);
  });
});

describe('FloatHistogramAppender refuses what it cannot write, with RangeError and nothing written', () => {
  const cases: [string, number, FloatHistogram][] = [
    ['a time not after the last', 100, exponential(1)],
    ['a fractional time', 200.5, exponential(1)],
    ['bucket arrays shorter than the spans', 200, fh({ ...exponential(1), positiveBuckets: [1, 2] })],
    ['bucket arrays longer than the spans', 200, fh({ ...exponential(1), negativeBuckets: [1, 2, 3] })],
    ['a negative span length', 200, fh({ ...exponential(1), negativeSpans: [[0, -1]], negativeBuckets: [] })],
    ['a fractional span offset', 200, fh({ ...exponential(1), negativeSpans: [[0.5, 2]] })],
    ['a span offset beyond int32', 200, fh({ ...exponential(1), negativeSpans: [[2 ** 31, 2]] })],
    ['a fractional schema', 200, fh({ ...exponential(1), schema: 1.5 })],
    ['an unknown hint', 200, fh({ ...exponential(1), counterResetHint: 'maybe' as CounterResetHint })],
  ];
  for (const [what, t, h] of cases) {
    it(`for ${what}`, () => {
      const appender = new FloatHistogramAppender();
      appender.append(100, exponential(0));
      const before = hex(appender.bytes());
      assert.throws(() => appender.append(t, h), RangeError);
      assert.equal(hex(appender.bytes()), before);
      assert.equal(appender.count, 1);
      appender.append(300, exponential(2));
      assert.deepEqual(decode(appender.bytes()), [
        { t: 100, h: exponential(0) },
        { t: 300, h: exponential(2) },
      ]);
    });
  }

  it('for a mismatched bucket array on the first sample', () => {
    assert.throws(
      () => new FloatHistogramAppender().append(0, fh({ positiveSpans: [[0, 2]], positiveBuckets: [1] })),
      /1 positive and 0 negative buckets for spans holding 2 and 0/,
    );
  });

  it('for a 65,536th sample', () => {
    const appender = new FloatHistogramAppender();
    const h = fh({ count: 1 });
    for (let i = 0; i < 65535; i++) appender.append(i, h);
    assert.throws(() => appender.append(65535, h), /at most 65535 samples/);
  });
});

describe('corrupt float-histogram chunks throw TsdbCorruptionError', () => {
  const good = encode([
    { t: 0, h: exponential(0, 'reset') },
    { t: 15_000, h: exponential(1) },
    { t: 30_000, h: custom(2) },
  ]);
  const attempts: [string, (bytes: Uint8Array) => void][] = [
    ['iterateFloatHistogramChunk', (b) => [...iterateFloatHistogramChunk(b)]],
    ['readFloatHistogramChunk', (b) => readFloatHistogramChunk(b, -Infinity, Infinity, [], [])],
    ['FloatHistogramAppender.resume', (b) => FloatHistogramAppender.resume(b)],
  ];

  function assertCorrupt(bytes: Uint8Array, message: RegExp, what: string): void {
    for (const [name, attempt] of attempts) {
      assert.throws(() => attempt(bytes), TsdbCorruptionError, `${name}: ${what}`);
      assert.throws(() => attempt(bytes), message, `${name}: ${what}`);
    }
  }

  it('for bytes shorter than the header', () => {
    assertCorrupt(Uint8Array.of(0), /shorter than its header/, 'one byte');
  });

  it('for every truncation of a chunk', () => {
    for (let length = 2; length < good.length; length++) {
      assertCorrupt(good.subarray(0, length), /truncated|impossible/, `${length} of ${good.length} bytes`);
    }
  });

  it('for bytes after the last sample', () => {
    assertCorrupt(Uint8Array.from([...good, 0]), /samples end at bit/, 'an extra byte');
  });

  it('for a first sample without a layout', () => {
    assertCorrupt(bytesOf('00 01 00', 'b:0 000'), /first sample has no hint and bucket layout/, 'meta bit 0');
    assertCorrupt(bytesOf('00 01 00', 'b:1 00 0 000'), /first sample has no bucket layout/, 'layout bit 0');
  });

  it('for layout counts the bytes cannot hold', () => {
    const layout = (...parts: string[]) => bytesOf('00 01 00', 'b:1 00 1', ...parts);
    const zeroThreshold = '00 00 00 00 00 00 00 00';
    assertCorrupt(layout('b:00000000', zeroThreshold, 'ff ff 03'), /impossible 65535 spans/, 'spans');
    assertCorrupt(
      layout('b:00000000', zeroThreshold, '01 00 ff ff ff ff 0f 00 00'),
      /impossible 4294967295 buckets/,
      'buckets',
    );
    assertCorrupt(layout('b:00000000', zeroThreshold, '00 00 64'), /impossible 100 custom bounds/, 'bounds');
    assertCorrupt(layout('80 80 80 80 10', zeroThreshold, '00 00 00'), /impossible schema/, 'schema beyond int32');
    assertCorrupt(
      layout('b:00000000', zeroThreshold, '01 80 80 80 80 10 01 00 00', 'b:000'),
      /impossible span/,
      'offset beyond int32',
    );
  });
});
