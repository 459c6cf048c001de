import { readHistogram } from './histogram.js';
import { metricType } from './metric-type.js';
import { latin1 } from './buffer-slices.js';
import { expect, FIXED64, LENGTH_DELIMITED, ProtoReader, VARINT } from './proto-reader.js';
import { readSample } from './sample.js';
import { LazyWireSeries } from './wire-series.js';
import type { WireHistogramSample, WireLabel, WireMetadata, WireSeries, WriteRequest } from './wire-types.js';

const NO_HISTOGRAMS: readonly WireHistogramSample[] = [];

/**
 * Decodes a remote-write 1.0 `prometheus.WriteRequest` (prompb/remote.proto, types.proto): `timeseries` = 1 and
 * `metadata` = 3; other field numbers (2 is reserved for Cortex) are skipped as proto3 requires. Every label, sample,
 * exemplar and histogram is checked for structure here, so that a series' lazy `labels` can no longer fail.
 */
export function decodeV1(buf: Buffer): WriteRequest {
  const r = new ProtoReader(buf);
  const series: WireSeries[] = [];
  const metadata: WireMetadata[] = [];
  const counter = { exemplars: 0 };
  while (r.pos < r.end) {
    const tag = r.tag('WriteRequest');
    const wireType = tag & 7;
    switch (tag >>> 3) {
      case 1:
        expect(wireType, LENGTH_DELIMITED, 'Timeseries');
        series.push(readTimeSeries(r, buf, counter));
        break;
      case 3:
        expect(wireType, LENGTH_DELIMITED, 'Metadata');
        metadata.push(readMetadata(r));
        break;
      default:
        r.skip(wireType, 'WriteRequest');
    }
  }
  return { series, metadata, exemplars: counter.exemplars };
}

function readTimeSeries(r: ProtoReader, buf: Buffer, counter: { exemplars: number }): WireSeries {
  const outer = r.enter();
  const end = r.end;
  // The label fields, as [start, end) byte ranges of whole fields (tag included); almost always one range.
  const ranges: number[] = [];
  const timestamps: number[] = [];
  const values: number[] = [];
  const stale: boolean[] = [];
  let histograms: WireHistogramSample[] | undefined;
  while (r.pos < end) {
    const fieldStart = r.pos;
    const tag = r.tag('TimeSeries');
    const wireType = tag & 7;
    switch (tag >>> 3) {
      case 1: {
        expect(wireType, LENGTH_DELIMITED, 'Labels');
        checkLabel(r);
        const last = ranges.length - 1;
        if (last > 0 && ranges[last] === fieldStart) ranges[last] = r.pos;
        else ranges.push(fieldStart, r.pos);
        break;
      }
      case 2:
        expect(wireType, LENGTH_DELIMITED, 'Samples');
        readSample(r, 1, timestamps, values, stale);
        break;
      case 3:
        expect(wireType, LENGTH_DELIMITED, 'Exemplars');
        checkExemplar(r);
        counter.exemplars++;
        break;
      case 4: {
        expect(wireType, LENGTH_DELIMITED, 'Histograms');
        (histograms ??= []).push(readHistogram(r));
        break;
      }
      default:
        r.skip(wireType, 'TimeSeries');
    }
  }
  r.leave(outer);
  let key = '';
  for (let i = 0; i < ranges.length; i += 2) key += latin1(buf, ranges[i] as number, ranges[i + 1] as number);
  return new V1Series(key, timestamps, values, stale, histograms ?? NO_HISTOGRAMS, buf, ranges);
}

/** Walks one `Label` message (name = 1, value = 2) without decoding its strings. */
function checkLabel(r: ProtoReader): void {
  const outer = r.enter();
  const end = r.end;
  while (r.pos < end) {
    const tag = r.tag('Label');
    const wireType = tag & 7;
    const field = tag >>> 3;
    if (field === 1 || field === 2) {
      expect(wireType, LENGTH_DELIMITED, field === 1 ? 'Name' : 'Value');
      const length = r.length();
      r.pos += length;
    } else r.skip(wireType, 'Label');
  }
  r.leave(outer);
}

/** Walks one `Exemplar` message (labels = 1, value = 2, timestamp = 3): exemplars are counted, not kept. */
function checkExemplar(r: ProtoReader): void {
  const outer = r.enter();
  const end = r.end;
  while (r.pos < end) {
    const tag = r.tag('Exemplar');
    const wireType = tag & 7;
    switch (tag >>> 3) {
      case 1:
        expect(wireType, LENGTH_DELIMITED, 'Labels');
        checkLabel(r);
        break;
      case 2:
        expect(wireType, FIXED64, 'Value');
        r.double();
        break;
      case 3:
        expect(wireType, VARINT, 'Timestamp');
        r.int64();
        break;
      default:
        r.skip(wireType, 'Exemplar');
    }
  }
  r.leave(outer);
}

function readMetadata(r: ProtoReader): WireMetadata {
  const outer = r.enter();
  const end = r.end;
  let type = 0;
  let family = '';
  let help = '';
  let unit = '';
  while (r.pos < end) {
    const tag = r.tag('MetricMetadata');
    const wireType = tag & 7;
    switch (tag >>> 3) {
      case 1:
        expect(wireType, VARINT, 'Type');
        type = r.uint32();
        break;
      case 2:
        expect(wireType, LENGTH_DELIMITED, 'MetricFamilyName');
        family = r.string();
        break;
      case 4:
        expect(wireType, LENGTH_DELIMITED, 'Help');
        help = r.string();
        break;
      case 5:
        expect(wireType, LENGTH_DELIMITED, 'Unit');
        unit = r.string();
        break;
      default:
        r.skip(wireType, 'MetricMetadata');
    }
  }
  r.leave(outer);
  return { family, type: metricType(type), help, unit };
}

/** A remote-write 1.0 series: its labels are re-read from the already checked `Label` fields on first access. */
class V1Series extends LazyWireSeries {
  constructor(
    key: string,
    timestamps: readonly number[],
    values: readonly number[],
    stale: readonly boolean[],
    histograms: readonly WireHistogramSample[],
    private readonly buf: Buffer,
    private readonly ranges: readonly number[],
  ) {
    super(key, timestamps, values, stale, histograms);
  }

  protected decodeLabels(): readonly WireLabel[] {
    const labels: WireLabel[] = [];
    const r = new ProtoReader(this.buf);
    for (let i = 0; i < this.ranges.length; i += 2) {
      r.pos = this.ranges[i] as number;
      const end = this.ranges[i + 1] as number;
      while (r.pos < end) {
        r.uint32(); // the tag of field 1, checked when the request was decoded
        const outer = r.enter();
        let name = '';
        let value = '';
        while (r.pos < r.end) {
          const tag = r.uint32();
          if (tag === 0x0a) name = r.string();
          else if (tag === 0x12) value = r.string();
          else r.skip(tag & 7, 'Label');
        }
        r.leave(outer);
        labels.push({ name, value });
      }
    }
    return labels;
  }
}
