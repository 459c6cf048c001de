import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { floatHistogram, type FloatHistogram } from '../../promql/engine/histograms/native/float-histogram.js';
import type { WireHistogramSample, WireLabel, WireSeries } from './decode.js';
import { MAX_LABEL_BYTES, MAX_LABELS_PER_SERIES, validateLabels, validateSamples, validateSeries } from './validate.js';

const UP = [
  { name: '__name__', value: 'up' },
  { name: 'job', value: 'node' },
];

function series(
  labels: WireLabel[],
  samples: [number, number, boolean?][] = [[1000, 1]],
  histograms: WireHistogramSample[] = [],
): WireSeries {
  return {
    key: '',
    labels,
    timestamps: samples.map(([t]) => t),
    values: samples.map(([, v]) => v),
    stale: samples.map(([, , s]) => s ?? false),
    histograms,
  };
}

const H: FloatHistogram = floatHistogram({
  count: 3,
  sum: 4,
  positiveSpans: [{ offset: 0, length: 2 }],
  positiveBuckets: [1, 2],
});

describe('validateSeries', () => {
  it('accepts a valid series with any float values, stale markers included, in both versions', () => {
    const s = series(
      [
        { name: '__name__', value: 'node:cpu_seconds:rate5m' },
        { name: '__tenant__', value: 't' },
        { name: 'job', value: 'ñ 🌍' },
      ],
      [
        [-5, NaN],
        [0, Infinity],
        [1, -Infinity, true],
        [2, -0],
      ],
    );
    assert.equal(validateSeries(s, 1), null);
    assert.equal(validateSeries(s, 2), null);
  });

  it('accepts a series without samples, which has nothing to ingest', () => {
    assert.equal(validateSeries(series(UP, []), 2), null);
  });

  it('refuses an empty label set', () => {
    assert.equal(validateSeries(series([]), 1), 'series {} has no labels');
  });

  it('refuses a series without __name__', () => {
    assert.equal(
      validateSeries(series([{ name: 'job', value: 'node' }]), 1),
      'series {job="node"} has no metric name (label __name__)',
    );
  });

  it('refuses an invalid label name, the empty one included', () => {
    assert.equal(
      validateSeries(series([...UP, { name: 'not-valid', value: 'x' }]), 1),
      'series {__name__="up",job="node","not-valid"="x"} has an invalid label name "not-valid" (must match [a-zA-Z_][a-zA-Z0-9_]*)',
    );
    assert.equal(
      validateSeries(series([{ name: '', value: 'x' }, ...UP]), 2),
      'series {""="x",__name__="up",job="node"} has an invalid label name "" (must match [a-zA-Z_][a-zA-Z0-9_]*)',
    );
    assert.equal(
      validateSeries(series([{ name: '1st', value: 'x' }]), 1),
      'series {"1st"="x"} has an invalid label name "1st" (must match [a-zA-Z_][a-zA-Z0-9_]*)',
    );
  });

  it('refuses an invalid metric name', () => {
    assert.equal(
      validateSeries(series([{ name: '__name__', value: 'http-requests' }]), 1),
      'series {__name__="http-requests"} has an invalid metric name "http-requests" (must match [a-zA-Z_:][a-zA-Z0-9_:]*)',
    );
  });

  it('refuses an empty label value', () => {
    assert.equal(
      validateSeries(series([...UP, { name: 'zone', value: '' }]), 1),
      'series {__name__="up",job="node",zone=""} has an empty value for label "zone"',
    );
  });

  it('refuses labels not sorted by name', () => {
    assert.equal(
      validateSeries(series([UP[1] as WireLabel, UP[0] as WireLabel]), 1),
      'series {job="node",__name__="up"} has labels not sorted by name ("job" before "__name__")',
    );
  });

  it('refuses a duplicate label name', () => {
    assert.equal(
      validateSeries(series([...UP, { name: 'job', value: 'other' }]), 2),
      'series {__name__="up",job="node",job="other"} has duplicate label name "job"',
    );
  });

  it('refuses more than 128 labels, and names the series shortly', () => {
    assert.equal(MAX_LABELS_PER_SERIES, 128);
    const labels = [
      { name: '__name__', value: 'wide' },
      ...Array.from({ length: 128 }, (_, i) => ({ name: `l${String(i).padStart(3, '0')}`, value: 'v' })),
    ];
    assert.equal(validateSeries(series(labels.slice(0, 128)), 1), null);
    assert.equal(
      validateSeries(series(labels), 1),
      'series {__name__="wide",l000="v",l001="v",l002="v",l003="v",l004="v",l005="v",l006="v",l007="v",l008="v",' +
        'l009="v",l010="v",l011="v",l012="v",l013="v",l014="v",…} has 129 labels, more than the limit of 128',
    );
  });

  it('refuses a label name or value longer than 16 KiB of UTF-8', () => {
    assert.equal(MAX_LABEL_BYTES, 16_384);
    const longName = `a${'b'.repeat(16 * 1024)}`;
    const cutName = `a${'b'.repeat(63)}…`;
    assert.equal(
      validateSeries(series([...UP, { name: longName, value: 'x' }]), 1),
      `series {__name__="up",job="node","${cutName}"="x"} has a label name longer than 16384 bytes`,
    );
    // 5,462 characters but 16,386 bytes.
    const longValue = '€'.repeat(5462);
    assert.equal(
      validateSeries(series([...UP, { name: 'zone', value: longValue }]), 1),
      `series {__name__="up",job="node",zone="${'€'.repeat(64)}…"} has a value longer than 16384 bytes for label "zone"`,
    );
    assert.equal(validateSeries(series([...UP, { name: 'zone', value: 'x'.repeat(16 * 1024) }]), 1), null);
  });

  it('escapes quotes and newlines when naming the series', () => {
    assert.equal(
      validateSeries(series([{ name: 'job', value: 'say "hi"\n' }]), 1),
      'series {job="say \\"hi\\"\\n"} has no metric name (label __name__)',
    );
  });

  it('refuses samples out of order', () => {
    assert.equal(
      validateSeries(
        series(UP, [
          [2000, 1],
          [1000, 2],
        ]),
        1,
      ),
      'series {__name__="up",job="node"} has samples out of order (t=1000 after t=2000)',
    );
  });

  it('refuses two different samples for one timestamp, and lets an identical repeat through', () => {
    const message = 'series {__name__="up",job="node"} has two different samples for timestamp 1000';
    assert.equal(
      validateSeries(
        series(UP, [
          [1000, 1],
          [1000, 2],
        ]),
        1,
      ),
      message,
    );
    assert.equal(
      validateSeries(
        series(UP, [
          [1000, 0],
          [1000, -0],
        ]),
        1,
      ),
      message,
    );
    assert.equal(
      validateSeries(
        series(UP, [
          [1000, NaN, true],
          [1000, NaN],
        ]),
        1,
      ),
      message,
    );
    assert.equal(
      validateSeries(
        series(UP, [
          [1000, 1],
          [1000, 1],
          [2000, 1],
        ]),
        1,
      ),
      null,
    );
    assert.equal(
      validateSeries(
        series(UP, [
          [1000, NaN, true],
          [1000, NaN, true],
        ]),
        1,
      ),
      null,
    );
  });

  it('refuses histograms out of order or different at one timestamp, and lets an identical repeat through', () => {
    const at = (t: number, h: FloatHistogram = H, stale = false): WireHistogramSample => ({ t, h, stale });
    assert.equal(
      validateSeries(series(UP, [], [at(2), at(1)]), 2),
      'series {__name__="up",job="node"} has histograms out of order (t=1 after t=2)',
    );
    assert.equal(
      validateSeries(series(UP, [], [at(1), at(1, { ...H, sum: 5 })]), 2),
      'series {__name__="up",job="node"} has two different histograms for timestamp 1',
    );
    assert.equal(
      validateSeries(series(UP, [], [at(1), at(1, { ...H, positiveSpans: [{ offset: 1, length: 2 }] })]), 2),
      'series {__name__="up",job="node"} has two different histograms for timestamp 1',
    );
    assert.equal(
      validateSeries(series(UP, [], [at(1), at(1, H, true)]), 2),
      'series {__name__="up",job="node"} has two different histograms for timestamp 1',
    );
    assert.equal(validateSeries(series(UP, [], [at(1), at(1, { ...H }), at(2)]), 2), null);
  });

  it('refuses a 2.0 series with both samples and histograms, and accepts it in 1.0', () => {
    const both = series(UP, [[1, 1]], [{ t: 2, h: H, stale: false }]);
    assert.equal(
      validateSeries(both, 2),
      'series {__name__="up",job="node"} carries both samples and histograms, which remote-write 2.0 does not allow',
    );
    assert.equal(validateSeries(both, 1), null);
  });

  it('refuses a malformed histogram, but not a stale marker whatever its buckets', () => {
    const bad = { ...H, positiveBuckets: [1] };
    assert.equal(
      validateSeries(series(UP, [], [{ t: 7, h: bad, stale: false }]), 1),
      'series {__name__="up",job="node"} has an invalid histogram at t=7: positive side: spans need 2 buckets, have 1 buckets',
    );
    assert.equal(validateSeries(series(UP, [], [{ t: 7, h: bad, stale: true }]), 1), null);
  });

  it('splits into a label check for unknown keys and a sample check that leaves valid series’ labels undecoded', () => {
    const untouchable: WireSeries = {
      key: 'k',
      get labels(): readonly WireLabel[] {
        throw new Error('labels read');
      },
      timestamps: [1, 2],
      values: [1, 2],
      stale: [false, false],
      histograms: [{ t: 3, h: H, stale: false }],
    };
    assert.equal(validateSamples(untouchable, 1), null);
    assert.equal(validateLabels(UP), null);
    assert.equal(validateLabels([]), 'series {} has no labels');
    assert.equal(
      validateSamples(
        series(UP, [
          [2, 1],
          [1, 1],
        ]),
        1,
      ),
      'series {__name__="up",job="node"} has samples out of order (t=1 after t=2)',
    );
  });
});
