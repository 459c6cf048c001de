import { uncompress, uncompressSync } from 'snappy';
import { RemoteWriteDecodeError } from './decode-error.js';

/**
 * The largest body, once uncompressed, that is accepted: 32 MiB, client_golang's `maxDecodedSize` for Prometheus's
 * own receiver. A Snappy block declares its uncompressed length up front, so a small body claiming a huge one is
 * refused before anything is allocated.
 */
export const MAX_DECODED_BYTES = 32 * 1024 * 1024;

/**
 * Uncompresses a remote-write body (Snappy block format, never the framed format the spec forbids) on the calling
 * thread. Any failure is a `RemoteWriteDecodeError` whose message starts with `snappy:`, as Go's decoder's does.
 */
export function uncompressBody(body: Uint8Array): Buffer {
  checkDeclaredLength(body);
  try {
    return uncompressSync(body, { asBuffer: true }) as Buffer;
  } catch (error) {
    throw snappyError(error);
  }
}

/** `uncompressBody` on libuv's thread pool, which keeps the event loop free while a large body is uncompressed. */
export async function uncompressBodyAsync(body: Uint8Array): Promise<Buffer> {
  checkDeclaredLength(body);
  try {
    return (await uncompress(body, { asBuffer: true })) as Buffer;
  } catch (error) {
    throw snappyError(error);
  }
}

/** The uncompressed length a Snappy block starts with: a varint of at most 32 bits. */
function checkDeclaredLength(body: Uint8Array): void {
  let length = 0;
  for (let i = 0; ; i++) {
    const b = body[i];
    if (b === undefined || i > 4) throw new RemoteWriteDecodeError('snappy: corrupt input');
    length += (b & 0x7f) * 2 ** (7 * i);
    if (b < 0x80) break;
  }
  if (length > MAX_DECODED_BYTES) {
    throw new RemoteWriteDecodeError(`snappy: decoded size ${length} exceeds the ${MAX_DECODED_BYTES} bytes limit`);
  }
}

function snappyError(error: unknown): RemoteWriteDecodeError {
  const message = error instanceof Error ? error.message : String(error);
  return new RemoteWriteDecodeError(message.startsWith('snappy: ') ? message : `snappy: corrupt input (${message})`);
}
