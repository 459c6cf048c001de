import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeWriteRequest, type WireSeries, type WriteRequest } from './decode.js';
import {
  encodeV1,
  encodeV2,
  encodeV2Message,
  lengthDelimited,
  patchDoubles,
  snappy,
  STALE_NAN,
  type LabelInput,
  type V2TimeSeriesInput,
} from './testing/encoder.js';

/** A 2.0 request with its symbol table built the way Prometheus's SymbolsTable does: "" first, then by first use. */
function symbolized(
  series: {
    labels: LabelInput[];
    rest?: Omit<V2TimeSeriesInput, 'labelsRefs'>;
    help?: string;
    unit?: string;
    type?: number;
  }[],
): Buffer {
  const symbols = [''];
  const ref = (text: string): number => {
    const at = symbols.indexOf(text);
    return at >= 0 ? at : symbols.push(text) - 1;
  };
  const timeseries = series.map(({ labels, rest, help, unit, type }) => ({
    labelsRefs: labels.flatMap((l) => [ref(l.name), ref(l.value)]),
    ...rest,
    ...(type !== undefined || help !== undefined || unit !== undefined
      ? { metadata: { type: type ?? 0, helpRef: ref(help ?? ''), unitRef: ref(unit ?? '') } }
      : {}),
  }));
  return encodeV2({ symbols, timeseries });
}

function decode(raw: Buffer): WriteRequest {
  return decodeWriteRequest(snappy(raw), 2);
}

function plain(series: WireSeries): object {
  const { labels, timestamps, values, stale, histograms } = series;
  return { labels, timestamps, values, stale, histograms };
}

describe('decodeWriteRequest, remote-write 2.0', () => {
  it('round-trips many series through the symbol table', () => {
    const input = Array.from({ length: 300 }, (_, i) => ({
      labels: [
        { name: '__name__', value: `metric_${i % 7}` },
        { name: 'instance', value: `host-${i}` },
        { name: 'région', value: i % 2 ? 'Zürich 🇨🇭' : '東京' },
      ],
      rest: {
        samples: [
          { value: i === 5 ? NaN : i * 0.5, timestamp: -(2 ** 53 - 1) + i },
          { value: -Infinity, timestamp: 2 ** 53 - 1 - i, startTimestamp: 17 },
        ],
      },
    }));
    const request = decode(symbolized(input));
    assert.equal(request.series.length, 300);
    request.series.forEach((series, i) => {
      assert.deepStrictEqual(plain(series), {
        labels: input[i]?.labels,
        timestamps: [-(2 ** 53 - 1) + i, 2 ** 53 - 1 - i],
        values: [i === 5 ? NaN : i * 0.5, -Infinity],
        stale: [false, false],
        histograms: [],
      });
    });
  });

  it('gives the same labels the same key whatever the request’s symbol table, and a key unlike 1.0’s', () => {
    const labels = [
      { name: '__name__', value: 'up' },
      { name: 'job', value: 'node' },
    ];
    const first = decode(symbolized([{ labels }])).series[0] as WireSeries;
    const other = decode(
      encodeV2({ symbols: ['', 'x', 'node', 'job', 'up', '__name__'], timeseries: [{ labelsRefs: [5, 4, 3, 2] }] }),
    ).series[0] as WireSeries;
    const different = decode(symbolized([{ labels: [labels[0] as LabelInput, { name: 'job', value: 'nodes' }] }]))
      .series[0] as WireSeries;
    assert.equal(first.key, other.key);
    assert.equal(first.key, '\ud800__name__\ud800up\ud800job\ud800node');
    assert.notEqual(first.key, different.key);
    const v1 = decodeWriteRequest(snappy(encodeV1({ timeseries: [{ labels }] })), 1).series[0] as WireSeries;
    assert.notEqual(first.key, v1.key);
    assert.deepStrictEqual(other.labels, labels);
  });

  it('flags the stale marker from its bits', () => {
    const STALE = 1.2345e-300;
    const raw = symbolized([
      {
        labels: [{ name: '__name__', value: 'up' }],
        rest: {
          samples: [
            { value: STALE, timestamp: 1 },
            { value: NaN, timestamp: 2 },
          ],
        },
      },
    ]);
    assert.equal(patchDoubles(raw, STALE, STALE_NAN.hi, STALE_NAN.lo), 1);
    const series = decode(raw).series[0] as WireSeries;
    assert.deepStrictEqual(series.values, [NaN, NaN]);
    assert.deepStrictEqual(series.stale, [true, false]);
  });

  it('reads symbols sent after the series that use them', () => {
    const body = Buffer.concat([
      encodeV2({ timeseries: [{ labelsRefs: [1, 2], samples: [{ value: 3, timestamp: 4 }] }] }),
      encodeV2({ symbols: ['', '__name__', 'late'] }),
    ]);
    assert.deepStrictEqual(decode(body).series[0]?.labels, [{ name: '__name__', value: 'late' }]);
  });

  it('accepts labels_refs unpacked as well as packed', () => {
    const body = encodeV2(
      { symbols: ['', '__name__', 'up'], timeseries: [{ labelsRefs: [1, 2], samples: [{ value: 1, timestamp: 1 }] }] },
      { unpacked: true },
    );
    assert.deepStrictEqual(decode(body).series[0]?.labels, [{ name: '__name__', value: 'up' }]);
  });

  it('turns per-series metadata into per-family metadata, the first series of a family winning', () => {
    const name = (value: string, extra: LabelInput[] = []) => [{ name: '__name__', value }, ...extra];
    const request = decode(
      symbolized([
        { labels: name('http_requests_total'), type: 1, help: 'Requests.' },
        { labels: name('http_requests_total', [{ name: 'code', value: '500' }]), type: 1, help: 'Later, ignored.' },
        {
          labels: name('latency_seconds_bucket', [{ name: 'le', value: '0.1' }]),
          type: 3,
          help: 'Latency.',
          unit: 'seconds',
        },
        { labels: name('latency_seconds_count'), type: 3, help: 'Latency.', unit: 'seconds' },
        { labels: name('latency_seconds_sum'), type: 3, help: 'Latency.', unit: 'seconds' },
        { labels: name('rpc_duration_seconds', [{ name: 'quantile', value: '0.5' }]), type: 5, help: 'RPC.' },
        { labels: name('rpc_duration_seconds_count'), type: 5, help: 'RPC.' },
        { labels: name('queue_gsum'), type: 4, help: 'Queue.' },
        { labels: name('temperature'), type: 2, unit: 'celsius' },
        { labels: name('build_info'), type: 6 },
        { labels: name('feature'), type: 7 },
        { labels: name('mystery'), type: 0, help: 'Only help.' },
        { labels: name('no_metadata'), type: 0, help: '', unit: '' },
        { labels: name('future_type'), type: 99 },
        { labels: [{ name: 'job', value: 'no name' }], type: 2, help: 'Dropped: no __name__.' },
      ]),
    );
    assert.deepStrictEqual(request.metadata, [
      { family: 'http_requests_total', type: 'counter', help: 'Requests.', unit: '' },
      { family: 'latency_seconds', type: 'histogram', help: 'Latency.', unit: 'seconds' },
      { family: 'rpc_duration_seconds', type: 'summary', help: 'RPC.', unit: '' },
      { family: 'queue', type: 'gaugehistogram', help: 'Queue.', unit: '' },
      { family: 'temperature', type: 'gauge', help: '', unit: 'celsius' },
      { family: 'build_info', type: 'info', help: '', unit: '' },
      { family: 'feature', type: 'stateset', help: '', unit: '' },
      { family: 'mystery', type: 'unknown', help: 'Only help.', unit: '' },
      { family: 'future_type', type: 'unknown', help: '', unit: '' },
    ]);
    assert.equal(request.series.length, 15);
  });

  it('merges a Metadata field sent twice, field by field', () => {
    const timeSeries = Buffer.concat([
      encodeV2Message('TimeSeries', { labelsRefs: [1, 2], metadata: { type: 2, helpRef: 3 } }),
      encodeV2Message('TimeSeries', { metadata: { unitRef: 4 } }),
    ]);
    const body = Buffer.concat([
      encodeV2({ symbols: ['', '__name__', 'g', 'Help.', 'bytes'] }),
      lengthDelimited(5, timeSeries),
    ]);
    assert.deepStrictEqual(decode(body).metadata, [{ family: 'g', type: 'gauge', help: 'Help.', unit: 'bytes' }]);
  });

  it('counts exemplars without keeping them', () => {
    const request = decode(
      encodeV2({
        symbols: ['', '__name__', 'a', 'trace_id', 'abc'],
        timeseries: [
          {
            labelsRefs: [1, 2],
            samples: [{ value: 1, timestamp: 1 }],
            exemplars: [{ labelsRefs: [3, 4], value: 2, timestamp: 1 }, {}],
          },
          { labelsRefs: [1, 2], exemplars: [{ labelsRefs: [3, 4] }] },
        ],
      }),
    );
    assert.equal(request.exemplars, 3);
  });

  it('reads an empty request, and a 1.0 body as an empty 2.0 request (its fields are reserved in 2.0)', () => {
    assert.deepStrictEqual(decode(Buffer.alloc(0)), { series: [], metadata: [], exemplars: 0 });
    const v1 = encodeV1({
      timeseries: [{ labels: [{ name: '__name__', value: 'up' }], samples: [{ value: 1, timestamp: 1 }] }],
      metadata: [{ type: 1, metricFamilyName: 'up' }],
    });
    assert.deepStrictEqual(decode(v1), { series: [], metadata: [], exemplars: 0 });
  });

  it('reads a series without labels as an empty label set with an empty key', () => {
    const series = decode(encodeV2({ symbols: [''], timeseries: [{ samples: [{ value: 1, timestamp: 1 }] }] }))
      .series[0] as WireSeries;
    assert.deepStrictEqual([series.key, series.labels], ['', []]);
  });
});
