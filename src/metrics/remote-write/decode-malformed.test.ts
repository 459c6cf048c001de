import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeWriteRequest, decodeWriteRequestProto, RemoteWriteDecodeError } from './decode.js';
import type { RemoteWriteVersion } from './content.js';
import {
  encodeV1,
  encodeV1Message,
  encodeV2,
  encodeV2Message,
  lengthDelimited,
  rawField,
  snappy,
} from './testing/encoder.js';

function fails(body: Buffer, version: RemoteWriteVersion, message: string | RegExp): void {
  assert.throws(
    () => decodeWriteRequest(body, version),
    (error: unknown) => {
      assert.ok(error instanceof RemoteWriteDecodeError, String(error));
      if (typeof message === 'string') assert.equal(error.message, message);
      else assert.match(error.message, message);
      return true;
    },
  );
}

/** Decodes and reads every lazy field; the only exception allowed is a RemoteWriteDecodeError. */
function decodeOrRefuse(raw: Uint8Array, version: RemoteWriteVersion): void {
  try {
    const request = decodeWriteRequestProto(raw, version);
    for (const series of request.series) JSON.stringify(series);
  } catch (error) {
    if (!(error instanceof RemoteWriteDecodeError)) throw error;
  }
}

const LABELS = [
  { name: '__name__', value: 'up' },
  { name: 'job', value: 'node' },
];
const V1_BODY = encodeV1({
  timeseries: [
    {
      labels: LABELS,
      samples: [{ value: 1, timestamp: 1_762_000_000_000 }],
      exemplars: [{ labels: [{ name: 'trace_id', value: 'a' }], value: 1, timestamp: 1 }],
      histograms: [
        {
          countInt: 3,
          sum: 2,
          schema: 1,
          positiveSpans: [{ offset: -1, length: 2 }],
          positiveDeltas: [1, 1],
          timestamp: 2,
        },
      ],
    },
  ],
  metadata: [{ type: 1, metricFamilyName: 'up', help: 'Up.', unit: 'u' }],
});
const V2_BODY = encodeV2({
  symbols: ['', '__name__', 'up', 'job', 'node', 'Help.'],
  timeseries: [
    {
      labelsRefs: [1, 2, 3, 4],
      samples: [{ value: 1, timestamp: 1_762_000_000_000 }],
      exemplars: [{ labelsRefs: [3, 4], value: 1, timestamp: 1 }],
      metadata: { type: 2, helpRef: 5 },
    },
    {
      labelsRefs: [1, 2],
      histograms: [{ countFloat: 1, positiveSpans: [{ offset: 0, length: 1 }], positiveCounts: [1] }],
    },
  ],
});

describe('decodeWriteRequest on malformed bodies', () => {
  it('refuses bodies that are not Snappy blocks', () => {
    fails(Buffer.alloc(0), 1, 'snappy: corrupt input');
    fails(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), 1, 'snappy: corrupt input');
    fails(Buffer.from('this is not snappy at all, but a sentence'), 1, /^snappy: corrupt input \(/);
    fails(snappy(V1_BODY).subarray(0, 20), 1, /^snappy: corrupt input \(/);
    fails(V1_BODY, 1, /^snappy: corrupt input/);
  });

  it('refuses a Snappy block that claims more than 32 MiB before decompressing it', () => {
    fails(
      Buffer.from([0x81, 0x80, 0x80, 0x10, 0x00]),
      1,
      'snappy: decoded size 33554433 exceeds the 33554432 bytes limit',
    );
  });

  it('refuses a body cut anywhere inside a message', () => {
    const single = encodeV1({ timeseries: [{ labels: LABELS, samples: [{ value: 1, timestamp: 5 }] }] });
    for (let cut = 1; cut < single.length; cut++) fails(snappy(single.subarray(0, cut)), 1, 'proto: unexpected EOF');
    const v2 = encodeV2({ timeseries: [{ labelsRefs: [1, 2], samples: [{ value: 1, timestamp: 5 }] }] });
    for (let cut = 1; cut < v2.length; cut++) fails(snappy(v2.subarray(0, cut)), 2, 'proto: unexpected EOF');
  });

  it('refuses known fields sent with the wrong wire type', () => {
    const inTimeSeries = (bytes: Buffer) => snappy(lengthDelimited(1, bytes));
    const inSample = (bytes: Buffer) => inTimeSeries(lengthDelimited(2, bytes));
    const inHistogram = (bytes: Buffer) => inTimeSeries(lengthDelimited(4, bytes));
    const cases: [Buffer, RemoteWriteVersion, string][] = [
      [snappy(rawField(1, 0, (w) => w.uint32(1))), 1, 'proto: wrong wireType = 0 for field Timeseries'],
      [snappy(rawField(3, 5, (w) => w.fixed32(1))), 1, 'proto: wrong wireType = 5 for field Metadata'],
      [inTimeSeries(rawField(1, 1, (w) => w.fixed64(1))), 1, 'proto: wrong wireType = 1 for field Labels'],
      [inTimeSeries(rawField(2, 0, (w) => w.uint32(1))), 1, 'proto: wrong wireType = 0 for field Samples'],
      [inTimeSeries(rawField(3, 0, (w) => w.uint32(1))), 1, 'proto: wrong wireType = 0 for field Exemplars'],
      [inTimeSeries(rawField(4, 0, (w) => w.uint32(1))), 1, 'proto: wrong wireType = 0 for field Histograms'],
      [
        inTimeSeries(
          lengthDelimited(
            1,
            rawField(1, 0, (w) => w.uint32(1)),
          ),
        ),
        1,
        'proto: wrong wireType = 0 for field Name',
      ],
      [
        inTimeSeries(
          lengthDelimited(
            1,
            rawField(2, 5, (w) => w.fixed32(1)),
          ),
        ),
        1,
        'proto: wrong wireType = 5 for field Value',
      ],
      [inSample(rawField(1, 0, (w) => w.uint32(1))), 1, 'proto: wrong wireType = 0 for field Value'],
      [inSample(rawField(2, 1, (w) => w.fixed64(1))), 1, 'proto: wrong wireType = 1 for field Timestamp'],
      [
        inTimeSeries(
          lengthDelimited(
            3,
            rawField(2, 0, (w) => w.uint32(1)),
          ),
        ),
        1,
        'proto: wrong wireType = 0 for field Value',
      ],
      [inHistogram(rawField(4, 1, (w) => w.fixed64(1))), 1, 'proto: wrong wireType = 1 for field Schema'],
      [inHistogram(rawField(3, 0, (w) => w.uint32(1))), 1, 'proto: wrong wireType = 0 for field Sum'],
      [inHistogram(rawField(12, 1, (w) => w.fixed64(1))), 1, 'proto: wrong wireType = 1 for field PositiveDeltas'],
      [inHistogram(rawField(13, 0, (w) => w.uint32(1))), 1, 'proto: wrong wireType = 0 for field PositiveCounts'],
      [inHistogram(rawField(11, 0, (w) => w.uint32(1))), 1, 'proto: wrong wireType = 0 for field PositiveSpans'],
      [
        inHistogram(
          lengthDelimited(
            8,
            rawField(1, 1, (w) => w.fixed64(1)),
          ),
        ),
        1,
        'proto: wrong wireType = 1 for field Offset',
      ],
      [
        inHistogram(rawField(15, 2, (w) => w.bytes(Buffer.alloc(0)))),
        1,
        'proto: wrong wireType = 2 for field Timestamp',
      ],
      [
        snappy(
          lengthDelimited(
            3,
            rawField(1, 2, (w) => w.bytes(Buffer.alloc(0))),
          ),
        ),
        1,
        'proto: wrong wireType = 2 for field Type',
      ],
      [snappy(rawField(4, 0, (w) => w.uint32(1))), 2, 'proto: wrong wireType = 0 for field Symbols'],
      [snappy(rawField(5, 1, (w) => w.fixed64(1))), 2, 'proto: wrong wireType = 1 for field Timeseries'],
      [
        snappy(
          lengthDelimited(
            5,
            rawField(1, 1, (w) => w.fixed64(1)),
          ),
        ),
        2,
        'proto: wrong wireType = 1 for field LabelsRefs',
      ],
      [
        snappy(
          lengthDelimited(
            5,
            lengthDelimited(
              2,
              rawField(3, 1, (w) => w.fixed64(1)),
            ),
          ),
        ),
        2,
        'proto: wrong wireType = 1 for field StartTimestamp',
      ],
      [
        snappy(
          lengthDelimited(
            5,
            lengthDelimited(
              5,
              rawField(3, 2, (w) => w.bytes(Buffer.alloc(0))),
            ),
          ),
        ),
        2,
        'proto: wrong wireType = 2 for field HelpRef',
      ],
      [
        snappy(
          lengthDelimited(
            5,
            rawField(3, 0, (w) => w.uint32(1)),
          ),
        ),
        2,
        'proto: wrong wireType = 0 for field Histograms',
      ],
    ];
    for (const [body, version, message] of cases) fails(body, version, message);
  });

  it('refuses varints longer than ten bytes', () => {
    const eleven = Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    fails(snappy(eleven), 1, 'proto: integer overflow');
    const sample = Buffer.concat([Buffer.from([0x10]), eleven]);
    fails(snappy(lengthDelimited(1, lengthDelimited(2, sample))), 1, 'proto: integer overflow');
  });

  it('refuses lengths beyond the buffer, beyond the enclosing message, or negative', () => {
    fails(snappy(Buffer.from([0x0a, 0xe8, 0x07, 0x00])), 1, 'proto: unexpected EOF');
    const sample = encodeV1Message('Sample', { value: 1, timestamp: 1 });
    // The Sample claims one byte more than its TimeSeries holds, which the body does have after it.
    const overlong = Buffer.concat([
      Buffer.from([0x0a, sample.length + 2, 0x12, sample.length + 1]),
      sample,
      Buffer.from([0x00]),
    ]);
    fails(snappy(overlong), 1, 'proto: unexpected EOF');
    const negative = Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    fails(snappy(negative), 1, 'proto: negative length found during unmarshaling');
  });

  it('refuses tag 0, illegal wire types and a stray end-group', () => {
    fails(snappy(Buffer.from([0x00])), 1, 'proto: WriteRequest: illegal tag 0 (wire type 0)');
    fails(snappy(lengthDelimited(1, Buffer.from([0x02, 0x00]))), 1, 'proto: TimeSeries: illegal tag 0 (wire type 2)');
    fails(snappy(Buffer.from([0x4e])), 1, 'proto: illegal wireType 6');
    fails(snappy(Buffer.from([0x4f])), 2, 'proto: illegal wireType 7');
    fails(snappy(lengthDelimited(1, lengthDelimited(2, Buffer.from([0x1e])))), 1, 'proto: illegal wireType 6');
    fails(snappy(rawField(9, 4)), 1, 'proto: WriteRequest: wiretype end group for non-group');
    fails(snappy(rawField(9, 4)), 2, 'proto: Request: wiretype end group for non-group');
  });

  it('refuses a packed double array whose length is not a multiple of 8', () => {
    const histogram = lengthDelimited(13, Buffer.alloc(12));
    fails(snappy(lengthDelimited(1, lengthDelimited(4, histogram))), 1, 'proto: unexpected EOF');
  });

  it('refuses 2.0 symbol references that point nowhere', () => {
    const symbols = ['', '__name__', 'up'];
    const cases: [Buffer, string][] = [
      [encodeV2({ symbols: ['x', '__name__', 'up'], timeseries: [] }), 'symbols[0] must be the empty string, got "x"'],
      [
        encodeV2({ symbols, timeseries: [{ labelsRefs: [1, 3] }] }),
        'labels_refs 1 (name) = 3 (value) outside of symbols table (size 3)',
      ],
      [
        encodeV2({ symbols, timeseries: [{ labelsRefs: [4294967295, 2] }] }),
        'labels_refs 4294967295 (name) = 2 (value) outside of symbols table (size 3)',
      ],
      [
        encodeV2({ timeseries: [{ labelsRefs: [0, 0] }] }),
        'labels_refs 0 (name) = 0 (value) outside of symbols table (size 0)',
      ],
      [
        encodeV2({ symbols, timeseries: [{ labelsRefs: [1, 2, 1] }] }),
        'invalid labels_refs length 3 (must be name/value pairs)',
      ],
      [
        encodeV2({ symbols, timeseries: [{ labelsRefs: [1, 2], metadata: { type: 1, helpRef: 3 } }] }),
        'metadata help_ref 3 outside of symbols table (size 3)',
      ],
      [
        encodeV2({ symbols, timeseries: [{ labelsRefs: [1, 2], metadata: { unitRef: 7 } }] }),
        'metadata unit_ref 7 outside of symbols table (size 3)',
      ],
      [
        encodeV2({ symbols, timeseries: [{ labelsRefs: [1, 2], exemplars: [{ labelsRefs: [1, 9] }] }] }),
        'exemplar labels_refs 9 outside of symbols table (size 3)',
      ],
      [
        encodeV2({ symbols, timeseries: [{ labelsRefs: [1, 2], exemplars: [{ labelsRefs: [1] }] }] }),
        'invalid exemplar labels_refs length 1 (must be name/value pairs)',
      ],
    ];
    for (const [raw, message] of cases) fails(snappy(raw), 2, message);
  });

  it('skips unknown groups, nested ones included', () => {
    const group = Buffer.concat([
      rawField(20, 3),
      rawField(1, 0, (w) => w.uint32(5)),
      rawField(21, 3),
      rawField(21, 4),
      rawField(20, 4),
    ]);
    const body = Buffer.concat([
      group,
      lengthDelimited(1, Buffer.concat([group, encodeV1Message('TimeSeries', { labels: LABELS })])),
    ]);
    assert.deepStrictEqual(decodeWriteRequest(snappy(body), 1).series[0]?.labels, LABELS);
    const v2 = Buffer.concat([
      group,
      encodeV2({ symbols: ['', '__name__', 'up'] }),
      lengthDelimited(5, Buffer.concat([group, encodeV2Message('TimeSeries', { labelsRefs: [1, 2] })])),
    ]);
    assert.deepStrictEqual(decodeWriteRequest(snappy(v2), 2).series[0]?.labels, [{ name: '__name__', value: 'up' }]);
  });

  it('never throws anything but a RemoteWriteDecodeError on random bytes', { timeout: 20_000 }, () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom<RemoteWriteVersion>(1, 2), (bytes, version) => {
        decodeOrRefuse(bytes, version);
      }),
      { seed: 20261101, numRuns: 3000 },
    );
  });

  it('never throws anything but a RemoteWriteDecodeError on mutated valid bodies', { timeout: 20_000 }, () => {
    const mutation = fc.record({
      body: fc.constantFrom<[Buffer, RemoteWriteVersion]>([V1_BODY, 1], [V2_BODY, 2], [V1_BODY, 2], [V2_BODY, 1]),
      edits: fc.array(
        fc.record({ at: fc.nat(), kind: fc.constantFrom('flip', 'set', 'insert', 'delete', 'cut'), byte: fc.nat(255) }),
        { minLength: 1, maxLength: 6 },
      ),
    });
    fc.assert(
      fc.property(mutation, ({ body: [body, version], edits }) => {
        let bytes = [...body];
        for (const { at, kind, byte } of edits) {
          const i = at % (bytes.length + 1);
          if (kind === 'flip')
            bytes[i % bytes.length] = ((bytes[i % bytes.length] as number) ^ (1 << (byte % 8))) & 0xff;
          else if (kind === 'set') bytes[i % bytes.length] = byte;
          else if (kind === 'insert') bytes.splice(i, 0, byte);
          else if (kind === 'delete') bytes.splice(i, 1);
          else bytes = bytes.slice(0, i);
        }
        decodeOrRefuse(Uint8Array.from(bytes), version);
        decodeOrRefuse(Uint8Array.from(bytes), version === 1 ? 2 : 1);
      }),
      { seed: 42, numRuns: 3000 },
    );
  });

  it('never throws anything but a RemoteWriteDecodeError on random Snappy bodies', { timeout: 20_000 }, () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.boolean(), (bytes, compress) => {
        try {
          decodeWriteRequest(compress ? snappy(bytes) : Buffer.from(bytes), 1);
        } catch (error) {
          if (!(error instanceof RemoteWriteDecodeError)) throw error;
        }
      }),
      { seed: 7, numRuns: 2000 },
    );
  });
});
