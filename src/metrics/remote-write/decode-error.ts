/**
 * A remote-write body that cannot be decoded: corrupt Snappy, malformed protobuf, or references that point nowhere.
 * The message reads like Prometheus's own (`snappy: corrupt input`, `proto: unexpected EOF`) because the route sends
 * it back as the 400 body, which senders log and never retry.
 */
export class RemoteWriteDecodeError extends Error {
  readonly code = 'remote_write_decode_error';

  constructor(message: string) {
    super(message);
    this.name = 'RemoteWriteDecodeError';
  }
}
