import { RemoteWriteDecodeError } from './decode-error.js';
import { readHistogram } from './histogram.js';
import { familyName, metricType } from './metric-type.js';
import { expect, FIXED64, LENGTH_DELIMITED, ProtoReader, VARINT } from './proto-reader.js';
import { readSample } from './sample.js';
import { LazyWireSeries } from './wire-series.js';
import type { WireHistogramSample, WireLabel, WireMetadata, WireSeries, WriteRequest } from './wire-types.js';

const NO_HISTOGRAMS: readonly WireHistogramSample[] = [];
/** Precedes every symbol in a key: a lone surrogate, which no string decoded from UTF-8 contains. */
const KEY_SEPARATOR = '\ud800';

interface RequestState {
  readonly symbols: readonly string[];
  readonly metadata: Map<string, WireMetadata>;
  exemplars: number;
}

/**
 * Decodes a remote-write 2.0 `io.prometheus.write.v2.Request` (prompb/io/prometheus/write/v2/types.proto): `symbols` =
 * 4 and `timeseries` = 5; 1 to 3 are reserved, so a 1.0 body read this way comes out empty, as the spec intends.
 * Symbols are read first, wherever they stand in the body, then each series' references are resolved against them:
 * `symbols[0]` must be the empty string, and a reference outside the table is an error of the whole request.
 * Per-series metadata becomes per-family metadata (the first series of a family wins).
 */
export function decodeV2(buf: Buffer): WriteRequest {
  const r = new ProtoReader(buf);
  const symbols: string[] = [];
  const seriesRanges: number[] = [];
  while (r.pos < r.end) {
    const tag = r.tag('Request');
    const wireType = tag & 7;
    switch (tag >>> 3) {
      case 4:
        expect(wireType, LENGTH_DELIMITED, 'Symbols');
        symbols.push(r.string());
        break;
      case 5: {
        expect(wireType, LENGTH_DELIMITED, 'Timeseries');
        const length = r.length();
        seriesRanges.push(r.pos, r.pos + length);
        r.pos += length;
        break;
      }
      default:
        r.skip(wireType, 'Request');
    }
  }
  if (symbols.length > 0 && symbols[0] !== '') {
    throw new RemoteWriteDecodeError(`symbols[0] must be the empty string, got ${JSON.stringify(symbols[0])}`);
  }
  const state: RequestState = { symbols, metadata: new Map(), exemplars: 0 };
  const series: WireSeries[] = [];
  for (let i = 0; i < seriesRanges.length; i += 2) {
    r.pos = seriesRanges[i] as number;
    r.end = seriesRanges[i + 1] as number;
    series.push(readTimeSeries(r, state));
  }
  return { series, metadata: [...state.metadata.values()], exemplars: state.exemplars };
}

function readTimeSeries(r: ProtoReader, state: RequestState): WireSeries {
  const end = r.end;
  const refs: number[] = [];
  const timestamps: number[] = [];
  const values: number[] = [];
  const stale: boolean[] = [];
  let histograms: WireHistogramSample[] | undefined;
  let type = 0;
  let helpRef = 0;
  let unitRef = 0;
  while (r.pos < end) {
    const tag = r.tag('TimeSeries');
    const wireType = tag & 7;
    switch (tag >>> 3) {
      case 1:
        readUint32s(r, wireType, refs, 'LabelsRefs');
        break;
      case 2:
        expect(wireType, LENGTH_DELIMITED, 'Samples');
        readSample(r, 2, timestamps, values, stale);
        break;
      case 3: {
        expect(wireType, LENGTH_DELIMITED, 'Histograms');
        (histograms ??= []).push(readHistogram(r));
        break;
      }
      case 4:
        expect(wireType, LENGTH_DELIMITED, 'Exemplars');
        checkExemplar(r, state.symbols.length);
        state.exemplars++;
        break;
      case 5: {
        expect(wireType, LENGTH_DELIMITED, 'Metadata');
        const outer = r.enter();
        // An embedded message sent twice is merged field by field, so the later value of each field wins.
        while (r.pos < r.end) {
          const metaTag = r.tag('Metadata');
          const metaWireType = metaTag & 7;
          const field = metaTag >>> 3;
          if (field === 1 || field === 3 || field === 4) {
            expect(metaWireType, VARINT, field === 1 ? 'Type' : field === 3 ? 'HelpRef' : 'UnitRef');
            const value = r.uint32();
            if (field === 1) type = value;
            else if (field === 3) helpRef = value;
            else unitRef = value;
          } else r.skip(metaWireType, 'Metadata');
        }
        r.leave(outer);
        break;
      }
      default:
        r.skip(wireType, 'TimeSeries');
    }
  }
  const symbols = state.symbols;
  if (refs.length % 2 !== 0) {
    throw new RemoteWriteDecodeError(`invalid labels_refs length ${refs.length} (must be name/value pairs)`);
  }
  let key = '';
  let metricName: string | undefined;
  for (let i = 0; i < refs.length; i += 2) {
    const name = symbols[refs[i] as number];
    const value = symbols[refs[i + 1] as number];
    if (name === undefined || value === undefined) {
      throw new RemoteWriteDecodeError(
        `labels_refs ${refs[i]} (name) = ${refs[i + 1]} (value) outside of symbols table (size ${symbols.length})`,
      );
    }
    if (name === '__name__') metricName = value;
    key += KEY_SEPARATOR + name + KEY_SEPARATOR + value;
  }
  if (type !== 0 || helpRef !== 0 || unitRef !== 0) {
    const help = symbolAt(symbols, helpRef, 'metadata help_ref');
    const unit = symbolAt(symbols, unitRef, 'metadata unit_ref');
    if (metricName !== undefined) {
      const metricTypeName = metricType(type);
      const family = familyName(metricName, metricTypeName);
      if (!state.metadata.has(family)) state.metadata.set(family, { family, type: metricTypeName, help, unit });
    }
  }
  return new V2Series(key, timestamps, values, stale, histograms ?? NO_HISTOGRAMS, symbols, refs);
}

/** Walks one `Exemplar` message (labels_refs = 1, value = 2, timestamp = 3): exemplars are counted, not kept. */
function checkExemplar(r: ProtoReader, symbolCount: number): void {
  const outer = r.enter();
  const end = r.end;
  const refs: number[] = [];
  while (r.pos < end) {
    const tag = r.tag('Exemplar');
    const wireType = tag & 7;
    switch (tag >>> 3) {
      case 1:
        readUint32s(r, wireType, refs, 'LabelsRefs');
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
  if (refs.length % 2 !== 0) {
    throw new RemoteWriteDecodeError(`invalid exemplar labels_refs length ${refs.length} (must be name/value pairs)`);
  }
  for (const ref of refs) {
    if (ref >= symbolCount) {
      throw new RemoteWriteDecodeError(`exemplar labels_refs ${ref} outside of symbols table (size ${symbolCount})`);
    }
  }
}

function readUint32s(r: ProtoReader, wireType: number, into: number[], field: string): void {
  if (wireType === VARINT) {
    into.push(r.uint32());
    return;
  }
  expect(wireType, LENGTH_DELIMITED, field);
  const outer = r.enter();
  const end = r.end;
  while (r.pos < end) into.push(r.uint32());
  r.leave(outer);
}

function symbolAt(symbols: readonly string[], ref: number, what: string): string {
  const symbol = symbols[ref];
  if (symbol === undefined) {
    throw new RemoteWriteDecodeError(`${what} ${ref} outside of symbols table (size ${symbols.length})`);
  }
  return symbol;
}

/** A remote-write 2.0 series: its labels are built from the request's symbol table on first access. */
class V2Series extends LazyWireSeries {
  constructor(
    key: string,
    timestamps: readonly number[],
    values: readonly number[],
    stale: readonly boolean[],
    histograms: readonly WireHistogramSample[],
    private readonly symbols: readonly string[],
    private readonly refs: readonly number[],
  ) {
    super(key, timestamps, values, stale, histograms);
  }

  protected decodeLabels(): readonly WireLabel[] {
    const labels: WireLabel[] = [];
    for (let i = 0; i < this.refs.length; i += 2) {
      labels.push({
        name: this.symbols[this.refs[i] as number] ?? '',
        value: this.symbols[this.refs[i + 1] as number] ?? '',
      });
    }
    return labels;
  }
}
