import protobuf from 'protobufjs';
import { compressSync } from 'snappy';

/**
 * An encoder for remote-write request bodies that shares no code with the decoder under test: the 1.0 and 2.0 schemas
 * (prompb/remote.proto, types.proto; prompb/io/prometheus/write/v2/types.proto) are built with protobufjs's reflection
 * API, field by field, and the bodies compressed with the `snappy` package. Repeated scalars are packed, as Go's
 * encoder writes them; `unpacked: true` builds the same schemas with them unpacked, which a decoder must accept too.
 */

export interface LabelInput {
  name: string;
  value: string;
}
export interface SampleInput {
  value?: number;
  timestamp?: number;
  startTimestamp?: number;
}
interface SpanInput {
  offset: number;
  length: number;
}
export interface HistogramInput {
  countInt?: number;
  countFloat?: number;
  sum?: number;
  schema?: number;
  zeroThreshold?: number;
  zeroCountInt?: number;
  zeroCountFloat?: number;
  negativeSpans?: SpanInput[];
  negativeDeltas?: number[];
  negativeCounts?: number[];
  positiveSpans?: SpanInput[];
  positiveDeltas?: number[];
  positiveCounts?: number[];
  resetHint?: number;
  timestamp?: number;
  customValues?: number[];
  /** 2.0 only (field 17); the 1.0 schema has no such field and leaves it out. */
  startTimestamp?: number;
}
interface V1ExemplarInput {
  labels?: LabelInput[];
  value?: number;
  timestamp?: number;
}
export interface V1TimeSeriesInput {
  labels?: LabelInput[];
  samples?: SampleInput[];
  exemplars?: V1ExemplarInput[];
  histograms?: HistogramInput[];
}
interface V1MetadataInput {
  type?: number;
  metricFamilyName?: string;
  help?: string;
  unit?: string;
}
export interface V1RequestInput {
  timeseries?: V1TimeSeriesInput[];
  metadata?: V1MetadataInput[];
}
interface V2ExemplarInput {
  labelsRefs?: number[];
  value?: number;
  timestamp?: number;
}
export interface V2TimeSeriesInput {
  labelsRefs?: number[];
  samples?: SampleInput[];
  histograms?: HistogramInput[];
  exemplars?: V2ExemplarInput[];
  metadata?: { type?: number; helpRef?: number; unitRef?: number };
}
export interface V2RequestInput {
  symbols?: string[];
  timeseries?: V2TimeSeriesInput[];
}

function field(name: string, id: number, type: string, repeated = false, unpacked = false): protobuf.Field {
  const scalar = !/^[A-Z]/.test(type) && type !== 'string';
  const options = repeated && scalar ? { packed: !unpacked } : undefined;
  return new protobuf.Field(name, id, type, repeated ? 'repeated' : 'optional', undefined, options);
}

function histogramTypes(unpacked: boolean, version: 1 | 2): protobuf.Type[] {
  const span = new protobuf.Type('BucketSpan').add(field('offset', 1, 'sint32')).add(field('length', 2, 'uint32'));
  const histogram = new protobuf.Type('Histogram')
    .add(field('countInt', 1, 'uint64'))
    .add(field('countFloat', 2, 'double'))
    .add(field('sum', 3, 'double'))
    .add(field('schema', 4, 'sint32'))
    .add(field('zeroThreshold', 5, 'double'))
    .add(field('zeroCountInt', 6, 'uint64'))
    .add(field('zeroCountFloat', 7, 'double'))
    .add(field('negativeSpans', 8, 'BucketSpan', true))
    .add(field('negativeDeltas', 9, 'sint64', true, unpacked))
    .add(field('negativeCounts', 10, 'double', true, unpacked))
    .add(field('positiveSpans', 11, 'BucketSpan', true))
    .add(field('positiveDeltas', 12, 'sint64', true, unpacked))
    .add(field('positiveCounts', 13, 'double', true, unpacked))
    .add(field('resetHint', 14, 'int32'))
    .add(field('timestamp', 15, 'int64'))
    .add(field('customValues', 16, 'double', true, unpacked));
  if (version === 2) histogram.add(field('startTimestamp', 17, 'int64'));
  histogram.add(new protobuf.OneOf('count', ['countInt', 'countFloat']));
  histogram.add(new protobuf.OneOf('zeroCount', ['zeroCountInt', 'zeroCountFloat']));
  return [span, histogram];
}

function v1Schema(unpacked: boolean): protobuf.Type {
  const root = new protobuf.Root();
  const ns = root.define('prometheus');
  ns.add(new protobuf.Type('Label').add(field('name', 1, 'string')).add(field('value', 2, 'string')));
  ns.add(new protobuf.Type('Sample').add(field('value', 1, 'double')).add(field('timestamp', 2, 'int64')));
  ns.add(
    new protobuf.Type('Exemplar')
      .add(field('labels', 1, 'Label', true))
      .add(field('value', 2, 'double'))
      .add(field('timestamp', 3, 'int64')),
  );
  for (const type of histogramTypes(unpacked, 1)) ns.add(type);
  ns.add(
    new protobuf.Type('TimeSeries')
      .add(field('labels', 1, 'Label', true))
      .add(field('samples', 2, 'Sample', true))
      .add(field('exemplars', 3, 'Exemplar', true))
      .add(field('histograms', 4, 'Histogram', true)),
  );
  ns.add(
    new protobuf.Type('MetricMetadata')
      .add(field('type', 1, 'int32'))
      .add(field('metricFamilyName', 2, 'string'))
      .add(field('help', 4, 'string'))
      .add(field('unit', 5, 'string')),
  );
  ns.add(
    new protobuf.Type('WriteRequest')
      .add(field('timeseries', 1, 'TimeSeries', true))
      .add(field('metadata', 3, 'MetricMetadata', true)),
  );
  root.resolveAll();
  return root.lookupType('prometheus.WriteRequest');
}

function v2Schema(unpacked: boolean): protobuf.Type {
  const root = new protobuf.Root();
  const ns = root.define('io.prometheus.write.v2');
  ns.add(
    new protobuf.Type('Sample')
      .add(field('value', 1, 'double'))
      .add(field('timestamp', 2, 'int64'))
      .add(field('startTimestamp', 3, 'int64')),
  );
  ns.add(
    new protobuf.Type('Exemplar')
      .add(field('labelsRefs', 1, 'uint32', true, unpacked))
      .add(field('value', 2, 'double'))
      .add(field('timestamp', 3, 'int64')),
  );
  ns.add(
    new protobuf.Type('Metadata')
      .add(field('type', 1, 'int32'))
      .add(field('helpRef', 3, 'uint32'))
      .add(field('unitRef', 4, 'uint32')),
  );
  for (const type of histogramTypes(unpacked, 2)) ns.add(type);
  ns.add(
    new protobuf.Type('TimeSeries')
      .add(field('labelsRefs', 1, 'uint32', true, unpacked))
      .add(field('samples', 2, 'Sample', true))
      .add(field('histograms', 3, 'Histogram', true))
      .add(field('exemplars', 4, 'Exemplar', true))
      .add(field('metadata', 5, 'Metadata')),
  );
  ns.add(
    new protobuf.Type('Request')
      .add(field('symbols', 4, 'string', true))
      .add(field('timeseries', 5, 'TimeSeries', true)),
  );
  root.resolveAll();
  return root.lookupType('io.prometheus.write.v2.Request');
}

const schemas = new Map<string, protobuf.Type>();
function schema(version: 1 | 2, unpacked: boolean): protobuf.Type {
  const key = `${version}:${unpacked}`;
  let type = schemas.get(key);
  if (!type) {
    type = version === 1 ? v1Schema(unpacked) : v2Schema(unpacked);
    schemas.set(key, type);
  }
  return type;
}

/** A remote-write 1.0 `WriteRequest`, protobuf-encoded (not compressed). */
export function encodeV1(request: V1RequestInput, options: { unpacked?: boolean } = {}): Buffer {
  const type = schema(1, options.unpacked ?? false);
  return Buffer.from(type.encode(type.create(request)).finish());
}

/** A remote-write 2.0 `Request`, protobuf-encoded (not compressed). */
export function encodeV2(request: V2RequestInput, options: { unpacked?: boolean } = {}): Buffer {
  const type = schema(2, options.unpacked ?? false);
  return Buffer.from(type.encode(type.create(request)).finish());
}

/** One message of the 1.0 schema (`TimeSeries`, `Label`, `Sample`, `Histogram`…), for bodies built piece by piece. */
export function encodeV1Message(typeName: string, value: object, options: { unpacked?: boolean } = {}): Buffer {
  const type = schema(1, options.unpacked ?? false).parent?.lookupType(typeName);
  if (!type) throw new Error(`no type ${typeName}`);
  return Buffer.from(type.encode(type.create(value)).finish());
}

/** One message of the 2.0 schema, for bodies built piece by piece. */
export function encodeV2Message(typeName: string, value: object, options: { unpacked?: boolean } = {}): Buffer {
  const type = schema(2, options.unpacked ?? false).parent?.lookupType(typeName);
  if (!type) throw new Error(`no type ${typeName}`);
  return Buffer.from(type.encode(type.create(value)).finish());
}

/** A field with a tag of any number and wire type, followed by whatever `write` puts after it (protobufjs's Writer). */
export function rawField(field: number, wireType: number, write: (writer: protobuf.Writer) => void = () => {}): Buffer {
  const writer = protobuf.Writer.create().uint32(((field << 3) | wireType) >>> 0);
  write(writer);
  return Buffer.from(writer.finish());
}

/** A length-delimited field (an embedded message, a string or a packed array) holding `payload`. */
export function lengthDelimited(field: number, payload: Uint8Array): Buffer {
  return rawField(field, 2, (writer) => writer.bytes(payload));
}

/** Snappy block compression, as a sender's body. */
export function snappy(raw: Uint8Array): Buffer {
  return compressSync(raw);
}

/**
 * Replaces every occurrence of `sentinel`'s 8 little-endian bytes with the given raw words, to put NaN payloads on the
 * wire that a JS double would not keep (protobufjs writes doubles through a Float64Array, which quiets them). Returns
 * how many were replaced.
 */
export function patchDoubles(bytes: Buffer, sentinel: number, hi: number, lo: number): number {
  const pattern = Buffer.alloc(8);
  pattern.writeDoubleLE(sentinel);
  let replaced = 0;
  for (let at = bytes.indexOf(pattern); at >= 0; at = bytes.indexOf(pattern, at + 8)) {
    bytes.writeUInt32LE(lo, at);
    bytes.writeUInt32LE(hi, at + 4);
    replaced++;
  }
  return replaced;
}

/** Prometheus's stale marker (value.StaleNaN) and its ordinary NaN (value.NormalNaN), as raw words. */
export const STALE_NAN = { hi: 0x7ff00000, lo: 2 } as const;
export const NORMAL_NAN = { hi: 0x7ff80000, lo: 1 } as const;
