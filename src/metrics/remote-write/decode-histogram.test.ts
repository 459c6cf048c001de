import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { floatHistogram, type FloatHistogram } from '../../promql/engine/histograms/native/float-histogram.js';
import { decodeWriteRequest, type WireHistogramSample } from './decode.js';
import {
  encodeV1,
  encodeV2,
  NORMAL_NAN,
  patchDoubles,
  snappy,
  STALE_NAN,
  type HistogramInput,
} from './testing/encoder.js';

/** The histograms of a one-series request, sent both as 1.0 and as 2.0; both must decode alike. */
function roundTrip(histograms: HistogramInput[], options: { unpacked?: boolean; patch?: (raw: Buffer) => void } = {}) {
  const v1 = encodeV1({ timeseries: [{ labels: [{ name: '__name__', value: 'h' }], histograms }] }, options);
  const v2 = encodeV2({ symbols: ['', '__name__', 'h'], timeseries: [{ labelsRefs: [1, 2], histograms }] }, options);
  options.patch?.(v1);
  options.patch?.(v2);
  const fromV1 = decodeWriteRequest(snappy(v1), 1).series[0]?.histograms;
  const fromV2 = decodeWriteRequest(snappy(v2), 2).series[0]?.histograms;
  assert.deepStrictEqual(fromV2, fromV1);
  return fromV1 as readonly WireHistogramSample[];
}

const EXPONENTIAL_INT: HistogramInput = {
  countInt: 19,
  sum: 42.5,
  schema: 3,
  zeroThreshold: 0.001,
  zeroCountInt: 2,
  negativeSpans: [{ offset: -2, length: 2 }],
  negativeDeltas: [3, -2],
  positiveSpans: [
    { offset: -1, length: 3 },
    { offset: 2, length: 2 },
  ],
  positiveDeltas: [1, 2, -1, 4, -5],
  resetHint: 2,
  timestamp: 1_762_000_000_000,
};

const EXPONENTIAL: FloatHistogram = floatHistogram({
  counterResetHint: 'not_reset',
  count: 19,
  sum: 42.5,
  schema: 3,
  zeroThreshold: 0.001,
  zeroCount: 2,
  negativeSpans: [{ offset: -2, length: 2 }],
  negativeBuckets: [3, 1],
  positiveSpans: [
    { offset: -1, length: 3 },
    { offset: 2, length: 2 },
  ],
  positiveBuckets: [1, 3, 2, 6, 1],
});

describe('decodeWriteRequest, native histograms', () => {
  it('turns an integer histogram’s delta-encoded buckets into absolute float counts', () => {
    assert.deepStrictEqual(roundTrip([EXPONENTIAL_INT]), [{ t: 1_762_000_000_000, h: EXPONENTIAL, stale: false }]);
  });

  it('reads unpacked deltas and counts like packed ones', () => {
    const float: HistogramInput = {
      countFloat: 2.5,
      positiveSpans: [{ offset: 0, length: 2 }],
      positiveCounts: [1, 1.5],
    };
    assert.deepStrictEqual(
      roundTrip([EXPONENTIAL_INT, float], { unpacked: true }),
      roundTrip([EXPONENTIAL_INT, float]),
    );
  });

  it('takes a float histogram’s counts as they are', () => {
    const decoded = roundTrip([
      {
        countFloat: 7.5,
        sum: -3,
        schema: -4,
        zeroThreshold: 1e-128,
        zeroCountFloat: 0.5,
        negativeSpans: [{ offset: 1, length: 1 }],
        negativeCounts: [2],
        positiveSpans: [{ offset: 0, length: 2 }],
        positiveCounts: [4.25, 0.75],
        resetHint: 1,
        timestamp: -1000,
      },
    ]);
    assert.deepStrictEqual(decoded, [
      {
        t: -1000,
        stale: false,
        h: floatHistogram({
          counterResetHint: 'reset',
          count: 7.5,
          sum: -3,
          schema: -4,
          zeroThreshold: 1e-128,
          zeroCount: 0.5,
          negativeSpans: [{ offset: 1, length: 1 }],
          negativeBuckets: [2],
          positiveSpans: [{ offset: 0, length: 2 }],
          positiveBuckets: [4.25, 0.75],
        }),
      },
    ]);
  });

  it('reads custom-bucket histograms with their bounds', () => {
    const [int, float] = roundTrip([
      {
        countInt: 6,
        sum: 12,
        schema: -53,
        positiveSpans: [{ offset: 0, length: 3 }],
        positiveDeltas: [1, 2, 0],
        customValues: [0.1, 0.5, 1],
        resetHint: 3,
        timestamp: 5,
      },
      {
        countFloat: 1,
        schema: -53,
        positiveSpans: [{ offset: 2, length: 1 }],
        positiveCounts: [1],
        customValues: [1, 2],
      },
    ]);
    assert.deepStrictEqual(int?.h, {
      ...floatHistogram({ counterResetHint: 'gauge', count: 6, sum: 12, schema: -53 }),
      positiveSpans: [{ offset: 0, length: 3 }],
      positiveBuckets: [1, 3, 3],
      customValues: [0.1, 0.5, 1],
    });
    assert.deepStrictEqual(float?.h.customValues, [1, 2]);
    assert.deepStrictEqual(float?.h.positiveBuckets, [1]);
  });

  it('maps every reset hint, an unknown one to unknown', () => {
    const hints = roundTrip([0, 1, 2, 3, 9].map((resetHint, t) => ({ countInt: 0, resetHint, timestamp: t })));
    assert.deepStrictEqual(
      hints.map((s) => s.h.counterResetHint),
      ['unknown', 'reset', 'not_reset', 'gauge', 'unknown'],
    );
  });

  it('flags a histogram whose sum has the stale-marker bits, and not one whose sum is another NaN', () => {
    const STALE = 1.2345e-300;
    const NORMAL = 2.2345e-300;
    const decoded = roundTrip(
      [
        { countInt: 0, sum: STALE, timestamp: 1 },
        { countInt: 0, sum: NORMAL, timestamp: 2 },
        { countFloat: 0, sum: STALE, timestamp: 3 },
      ],
      {
        patch: (raw) => {
          patchDoubles(raw, STALE, STALE_NAN.hi, STALE_NAN.lo);
          patchDoubles(raw, NORMAL, NORMAL_NAN.hi, NORMAL_NAN.lo);
        },
      },
    );
    assert.deepStrictEqual(
      decoded.map((s) => [s.t, s.stale, Number.isNaN(s.h.sum)]),
      [
        [1, true, true],
        [2, false, true],
        [3, true, true],
      ],
    );
  });

  it('reads a histogram with no count as an empty integer histogram', () => {
    assert.deepStrictEqual(roundTrip([{}]), [{ t: 0, h: floatHistogram(), stale: false }]);
  });

  it('reads large integer counts exactly', () => {
    const [sample] = roundTrip([
      {
        countInt: 2 ** 40 + 3,
        zeroCountInt: 2 ** 33,
        positiveSpans: [{ offset: 0, length: 1 }],
        positiveDeltas: [2 ** 40],
      },
    ]);
    assert.deepStrictEqual(
      [sample?.h.count, sample?.h.zeroCount, sample?.h.positiveBuckets],
      [2 ** 40 + 3, 2 ** 33, [2 ** 40]],
    );
  });

  it('reads the zero count of the other kind than the count as 0, as Go’s oneof getters do', () => {
    const [intCount, floatCount] = roundTrip([
      { countInt: 1, zeroCountFloat: 1.5 },
      { countFloat: 1, zeroCountInt: 3 },
    ]);
    assert.deepStrictEqual([intCount?.h.zeroCount, floatCount?.h.zeroCount], [0, 0]);
  });

  it('ignores a 2.0 histogram’s start timestamp', () => {
    const [sample] = roundTrip([{ countInt: 1, timestamp: 10, startTimestamp: 5 }]);
    assert.equal(sample?.t, 10);
  });

  it('keeps samples and histograms of the same 1.0 series apart', () => {
    const series = decodeWriteRequest(
      snappy(
        encodeV1({
          timeseries: [
            {
              labels: [{ name: '__name__', value: 'both' }],
              samples: [{ value: 1, timestamp: 1 }],
              histograms: [{ countInt: 1, timestamp: 2 }],
            },
          ],
        }),
      ),
      1,
    ).series[0];
    assert.deepStrictEqual([series?.timestamps, series?.histograms.map((h) => h.t)], [[1], [2]]);
  });
});
