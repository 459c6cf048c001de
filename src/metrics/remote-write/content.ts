/** The remote-write protocol version of a request: 1.0 (`prometheus.WriteRequest`) or 2.0 (`io.prometheus.write.v2.Request`). */
export type RemoteWriteVersion = 1 | 2;

/**
 * A request whose Content-Type or Content-Encoding names something vigil does not decode. The spec requires 415 for
 * it (a 2.0 sender then falls back to 1.0), and the message says what was received and what is accepted.
 */
export class UnsupportedMediaType extends Error {
  readonly code = 'unsupported_media_type';

  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedMediaType';
  }
}

const MEDIA_TYPE = 'application/x-protobuf';
const PROTO_V1 = 'prometheus.WriteRequest';
const PROTO_V2 = 'io.prometheus.write.v2.Request';
const ACCEPTED =
  `accepted: ${MEDIA_TYPE} or ${MEDIA_TYPE};proto=${PROTO_V1} (remote-write 1.0), ` +
  `${MEDIA_TYPE};proto=${PROTO_V2} (remote-write 2.0)`;

/**
 * Picks the protocol version from a request's headers, as Prometheus 3's receiver (client_golang
 * exp/api/remote `ParseProtoMsg` and `SnappyDecodeMiddleware`) does: a missing or empty Content-Type is 1.0, as is
 * `application/x-protobuf` without a `proto` parameter; a missing or empty Content-Encoding is taken for `snappy`.
 * Unlike Go's comparison, the media type, parameter names and the coding are matched case-insensitively and spaces
 * around `;` are allowed (RFC 9110 §8.3.1, §8.4.1), parameter values may be quoted, and other parameters (`charset`)
 * are ignored. The `proto` value is a protobuf message name and so is matched exactly. Anything else throws
 * `UnsupportedMediaType`.
 */
export function negotiate(contentType: string | undefined, contentEncoding: string | undefined): RemoteWriteVersion {
  const encoding = contentEncoding?.trim() ?? '';
  if (encoding !== '' && encoding.toLowerCase() !== 'snappy') {
    throw new UnsupportedMediaType(
      `Content-Encoding ${JSON.stringify(contentEncoding)} is not supported; only snappy (block format) is accepted`,
    );
  }
  const type = contentType?.trim() ?? '';
  if (type === '') return 1;
  const [mediaType = '', ...parameters] = type.split(';');
  if (mediaType.trim().toLowerCase() !== MEDIA_TYPE) throw unsupportedType(contentType);
  for (const parameter of parameters) {
    // RFC 9110 §5.6.6: parameters = *( OWS ";" OWS [ parameter ] ), so empty ones are allowed.
    if (parameter.trim() === '') continue;
    const equals = parameter.indexOf('=');
    if (equals < 0) throw unsupportedType(contentType);
    const name = parameter.slice(0, equals).trim().toLowerCase();
    if (name !== 'proto') continue;
    const value = unquote(parameter.slice(equals + 1).trim());
    if (value === PROTO_V1) return 1;
    if (value === PROTO_V2) return 2;
    throw unsupportedType(contentType);
  }
  return 1;
}

function unsupportedType(contentType: string | undefined): UnsupportedMediaType {
  return new UnsupportedMediaType(`Content-Type ${JSON.stringify(contentType)} is not supported; ${ACCEPTED}`);
}

/** A parameter value as a token or as a quoted-string with backslash escapes (RFC 9110 §5.6.4). */
function unquote(value: string): string {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) return value;
  return value.slice(1, -1).replace(/\\(.)/g, '$1');
}
