import { RemoteWriteDecodeError } from './decode-error.js';
import { decodeV1 } from './decode-v1.js';
import { decodeV2 } from './decode-v2.js';
import { uncompressBody } from './snappy-body.js';
import type { RemoteWriteVersion } from './content.js';
import type { WriteRequest } from './wire-types.js';

export { RemoteWriteDecodeError };
export type {
  WireHistogramSample,
  WireLabel,
  WireMetadata,
  WireMetricType,
  WireSeries,
  WriteRequest,
} from './wire-types.js';

/**
 * Snappy block → protobuf → `WriteRequest`, for the version `negotiate` chose from the headers. Anything malformed
 * throws a `RemoteWriteDecodeError` (the route answers 400 with its message); nothing else is thrown for any input,
 * and the work is linear in the body's size. Labels are checked for structure but decoded lazily, and nothing is
 * validated beyond the wire format: that is `validateSeries`' job, on the series the ingest path does not know yet.
 */
export function decodeWriteRequest(body: Buffer, version: RemoteWriteVersion): WriteRequest {
  return decodeWriteRequestProto(uncompressBody(body), version);
}

/**
 * The protobuf half of `decodeWriteRequest`, for a body already uncompressed. The series keep a reference to `raw` to decode their labels later, so it must not be reused afterwards.
 */
export function decodeWriteRequestProto(raw: Uint8Array, version: RemoteWriteVersion): WriteRequest {
  const buf = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  return version === 2 ? decodeV2(buf) : decodeV1(buf);
}
