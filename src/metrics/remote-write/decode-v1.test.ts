import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeWriteRequest, decodeWriteRequestProto, type WireSeries } from './decode.js';
import {
  encodeV1,
  encodeV1Message,
  encodeV2,
  lengthDelimited,
  NORMAL_NAN,
  patchDoubles,
  rawField,
  snappy,
  STALE_NAN,
  type LabelInput,
  type SampleInput,
  type V1TimeSeriesInput,
} from './testing/encoder.js';
import { seededRandom } from '../../testing/seeded-random.js';

const VALUES = ['prod', 'eu-de', 'Grüße', '名前', '🌍 earth', 'a"quoted"\\value\n', 'x'.repeat(300), 'é\u0301', '0'];
const SPECIALS = [NaN, Infinity, -Infinity, -0, 0, 5e-324, Number.MAX_VALUE, -1.5];

function plain(series: WireSeries): object {
  const { labels, timestamps, values, stale, histograms } = series;
  return { labels, timestamps, values, stale, histograms };
}

function decode(raw: Buffer): ReturnType<typeof decodeWriteRequest> {
  return decodeWriteRequest(snappy(raw), 1);
}

describe('decodeWriteRequest, remote-write 1.0', () => {
  it('round-trips many series with unicode labels and every kind of value', () => {
    const random = seededRandom(1);
    const input: { labels: LabelInput[]; samples: SampleInput[] }[] = [];
    for (let i = 0; i < 500; i++) {
      const labels: LabelInput[] = [{ name: '__name__', value: `metric_${i}` }];
      const count = Math.floor(random() * 12);
      for (let l = 0; l < count; l++) {
        labels.push({ name: `label_${l}`, value: VALUES[Math.floor(random() * VALUES.length)] as string });
      }
      const samples: SampleInput[] = [];
      let t = Math.floor(random() * 2 ** 45) - 2 ** 44;
      for (let s = Math.floor(random() * 5); s >= 0; s--) {
        const value = random() < 0.3 ? (SPECIALS[Math.floor(random() * SPECIALS.length)] as number) : random() * 1e6;
        samples.push({ value, timestamp: t });
        t += 1 + Math.floor(random() * 60_000);
      }
      input.push({ labels, samples });
    }
    const request = decode(encodeV1({ timeseries: input }));
    assert.equal(request.series.length, 500);
    assert.deepEqual(request.metadata, []);
    assert.equal(request.exemplars, 0);
    request.series.forEach((series, i) => {
      const expected = input[i] as (typeof input)[number];
      assert.deepStrictEqual(plain(series), {
        labels: expected.labels,
        timestamps: expected.samples.map((s) => s.timestamp),
        values: expected.samples.map((s) => s.value),
        stale: expected.samples.map(() => false),
        histograms: [],
      });
    });
  });

  it('reads negative, zero and large timestamps exactly', () => {
    const timestamps = [-(2 ** 53 - 1), -1_762_000_000_123, -1, 0, 1, 1_762_000_000_123, 2 ** 53 - 1];
    const request = decode(
      encodeV1({
        timeseries: [
          { labels: [{ name: '__name__', value: 't' }], samples: timestamps.map((t) => ({ value: 1, timestamp: t })) },
        ],
      }),
    );
    assert.deepStrictEqual(request.series[0]?.timestamps, timestamps);
  });

  it('flags the stale marker from its bits and no other NaN', () => {
    const STALE = 1.2345e-300;
    const NORMAL = 2.2345e-300;
    const QUIETED = 3.2345e-300;
    const raw = encodeV1({
      timeseries: [
        {
          labels: [{ name: '__name__', value: 'up' }],
          samples: [
            { value: STALE, timestamp: 1 },
            { value: NaN, timestamp: 2 },
            { value: NORMAL, timestamp: 3 },
            { value: QUIETED, timestamp: 4 },
            { value: 1, timestamp: 5 },
            { value: STALE, timestamp: 6 },
          ],
        },
      ],
    });
    assert.equal(patchDoubles(raw, STALE, STALE_NAN.hi, STALE_NAN.lo), 2);
    assert.equal(patchDoubles(raw, NORMAL, NORMAL_NAN.hi, NORMAL_NAN.lo), 1);
    assert.equal(patchDoubles(raw, QUIETED, 0x7ff80000, 2), 1);
    const series = decode(raw).series[0] as WireSeries;
    assert.deepStrictEqual(series.values, [NaN, NaN, NaN, NaN, 1, NaN]);
    assert.deepStrictEqual(series.stale, [true, false, false, false, false, true]);
  });

  it('reads a Sample without fields as value 0 at t=0, as proto3 defaults', () => {
    const series = decode(encodeV1({ timeseries: [{ labels: [{ name: '__name__', value: 'z' }], samples: [{}] }] }))
      .series[0] as WireSeries;
    assert.deepStrictEqual([series.timestamps, series.values, series.stale], [[0], [0], [false]]);
  });

  it('gives equal keys to equal label bytes and different keys to different labels', () => {
    const a = [
      { name: '__name__', value: 'up' },
      { name: 'job', value: 'node' },
    ];
    const b = [
      { name: '__name__', value: 'up' },
      { name: 'job', value: 'nodf' },
    ];
    const first = decode(
      encodeV1({
        timeseries: [
          { labels: a, samples: [{ value: 1, timestamp: 1 }] },
          { labels: b, samples: [{ value: 1, timestamp: 1 }] },
          { labels: a, samples: [{ value: 2, timestamp: 2 }] },
        ],
      }),
    ).series;
    const second = decode(encodeV1({ timeseries: [{ labels: a, samples: [{ value: 9, timestamp: 9 }] }] })).series;
    assert.equal(first[0]?.key, first[2]?.key);
    assert.equal(first[0]?.key, second[0]?.key);
    assert.notEqual(first[0]?.key, first[1]?.key);
    // The key is the raw Label fields, tags included, one character per byte.
    const labelFields = Buffer.concat(a.map((label) => lengthDelimited(1, encodeV1Message('Label', label))));
    assert.equal(first[0]?.key, labelFields.toString('latin1'));
  });

  it('reads labels interleaved with samples, with the same key as when they are together', () => {
    const labels = [
      { name: '__name__', value: 'up' },
      { name: 'job', value: 'node' },
    ];
    // Concatenated messages merge, so this TimeSeries has its label fields on both sides of a Sample field.
    const timeSeries = Buffer.concat([
      encodeV1Message('TimeSeries', { labels: [labels[0]], samples: [{ value: 1, timestamp: 10 }] }),
      encodeV1Message('TimeSeries', { labels: [labels[1]], samples: [{ value: 2, timestamp: 20 }] }),
    ]);
    const split = decode(lengthDelimited(1, timeSeries)).series[0] as WireSeries;
    const together = decode(encodeV1({ timeseries: [{ labels }] })).series[0] as WireSeries;
    assert.deepStrictEqual(split.labels, labels);
    assert.deepStrictEqual(split.timestamps, [10, 20]);
    assert.equal(split.key, together.key);
  });

  it('decodes labels once, on first access, and includes them in JSON', () => {
    const labels = [{ name: '__name__', value: 'up' }];
    const series = decode(encodeV1({ timeseries: [{ labels, samples: [{ value: 1, timestamp: 2 }] }] }))
      .series[0] as WireSeries;
    assert.equal(series.labels, series.labels);
    assert.deepStrictEqual(JSON.parse(JSON.stringify(series)), {
      key: series.key,
      labels,
      timestamps: [2],
      values: [1],
      stale: [false],
      histograms: [],
    });
  });

  it('reads metadata of every type, an unknown type as unknown', () => {
    const types = ['unknown', 'counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset'];
    const metadata = [...types.keys(), 42].map((type) => ({
      type,
      metricFamilyName: `family_${type}`,
      help: `Help for ${type} — ünïcode`,
      unit: type === 1 ? 'seconds' : '',
    }));
    const request = decode(encodeV1({ metadata }));
    assert.deepStrictEqual(request.series, []);
    assert.deepStrictEqual(
      request.metadata,
      metadata.map((m) => ({
        family: m.metricFamilyName,
        type: types[m.type] ?? 'unknown',
        help: m.help,
        unit: m.unit,
      })),
    );
  });

  it('counts exemplars without keeping them', () => {
    const exemplar = { labels: [{ name: 'trace_id', value: 'abc' }], value: 1.5, timestamp: -3 };
    const request = decode(
      encodeV1({
        timeseries: [
          {
            labels: [{ name: '__name__', value: 'a' }],
            samples: [{ value: 1, timestamp: 1 }],
            exemplars: [exemplar, {}],
          },
          { labels: [{ name: '__name__', value: 'b' }], exemplars: [exemplar] },
        ],
      }),
    );
    assert.equal(request.exemplars, 3);
    assert.deepStrictEqual(request.series[1]?.timestamps, []);
  });

  it('skips unknown fields of every wire type at every level', () => {
    const unknown = Buffer.concat([
      rawField(99, 0, (w) => w.uint64(12345)),
      rawField(98, 1, (w) => w.fixed64(7)),
      lengthDelimited(97, Buffer.from('ignored')),
      rawField(96, 5, (w) => w.fixed32(7)),
      rawField(95, 3, (w) => w.uint32((1 << 3) | 0).uint32(5)),
      rawField(95, 4),
    ]);
    const label = Buffer.concat([encodeV1Message('Label', { name: '__name__', value: 'up' }), unknown]);
    const sample = Buffer.concat([unknown, encodeV1Message('Sample', { value: 4, timestamp: 5 })]);
    const exemplar = Buffer.concat([encodeV1Message('Exemplar', { value: 1 }), unknown]);
    const metadata = Buffer.concat([encodeV1Message('MetricMetadata', { type: 2, metricFamilyName: 'g' }), unknown]);
    const timeSeries = Buffer.concat([
      lengthDelimited(1, label),
      unknown,
      lengthDelimited(2, sample),
      lengthDelimited(3, exemplar),
    ]);
    const body = Buffer.concat([
      unknown,
      lengthDelimited(2, Buffer.from('reserved for Cortex')),
      lengthDelimited(1, timeSeries),
      lengthDelimited(3, metadata),
    ]);
    const request = decode(body);
    assert.deepStrictEqual(plain(request.series[0] as WireSeries), {
      labels: [{ name: '__name__', value: 'up' }],
      timestamps: [5],
      values: [4],
      stale: [false],
      histograms: [],
    });
    assert.deepStrictEqual(request.metadata, [{ family: 'g', type: 'gauge', help: '', unit: '' }]);
    assert.equal(request.exemplars, 1);
  });

  it('reads an empty request, and a 2.0 body as an empty 1.0 request (its fields are reserved in 1.0)', () => {
    assert.deepStrictEqual(decode(Buffer.alloc(0)), { series: [], metadata: [], exemplars: 0 });
    const v2 = encodeV2({
      symbols: ['', '__name__', 'up'],
      timeseries: [{ labelsRefs: [1, 2], samples: [{ value: 1, timestamp: 1 }] }],
    });
    assert.deepStrictEqual(decode(v2), { series: [], metadata: [], exemplars: 0 });
  });

  it('decodes an uncompressed body given as a Uint8Array view into a larger buffer', () => {
    const raw = encodeV1({
      timeseries: [{ labels: [{ name: '__name__', value: 'v' }], samples: [{ value: 7, timestamp: 8 }] }],
    });
    const backing = new Uint8Array(raw.length + 10);
    backing.set(raw, 5);
    const request = decodeWriteRequestProto(backing.subarray(5, 5 + raw.length), 1);
    assert.deepStrictEqual(request.series[0]?.labels, [{ name: '__name__', value: 'v' }]);
    assert.deepStrictEqual(request.series[0]?.values, [7]);
  });

  it('accepts a TimeSeries as the only thing in the body, with labels only', () => {
    const series: V1TimeSeriesInput = { labels: [{ name: 'a', value: 'b' }] };
    const request = decode(encodeV1({ timeseries: [series] }));
    assert.deepStrictEqual(plain(request.series[0] as WireSeries), {
      labels: [{ name: 'a', value: 'b' }],
      timestamps: [],
      values: [],
      stale: [],
      histograms: [],
    });
  });
});
