import { RemoteWriteDecodeError } from './decode-error.js';

/**
 * The largest body, once uncompressed, that is accepted: 32 MiB, client_golang's `maxDecodedSize` for Prometheus's
 * own receiver. A Snappy block declares its uncompressed length up front, so a small body claiming a huge one is
 * refused before anything is allocated.
 */
export const MAX_DECODED_BYTES = 32 * 1024 * 1024;

function corrupt(reason: string): RemoteWriteDecodeError {
  return new RemoteWriteDecodeError(`snappy: corrupt input (${reason})`);
}

/**
 * Uncompresses a remote-write body: the Snappy *block* format (the framed format is forbidden by the spec), decoded
 * here rather than by a native library so that the output is an ordinary Buffer the garbage collector accounts for
 * (a native decoder's results held memory V8 did not see, and a busy receiver's RSS grew by the size of every body).
 * The format (github.com/google/snappy, format_description.txt): a varint of the uncompressed length, then elements —
 * literals (tag 00, length in the tag or in 1–4 following bytes) and copies of earlier output (tags 01, 10, 11 with
 * 1-, 2- or 4-byte offsets), which may overlap what they produce. Anything inconsistent is a RemoteWriteDecodeError
 * whose message starts with `snappy:`, as Go's decoder's does.
 */
export function uncompressBody(body: Uint8Array): Buffer {
  let pos = 0;
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    const b = body[pos++];
    if (b === undefined || shift > 28) throw new RemoteWriteDecodeError('snappy: corrupt input');
    length += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) break;
  }
  if (length > MAX_DECODED_BYTES) {
    throw new RemoteWriteDecodeError(`snappy: decoded size ${length} exceeds the ${MAX_DECODED_BYTES} bytes limit`);
  }
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  const end = body.length;
  while (pos < end) {
    const tag = body[pos++] as number;
    const kind = tag & 3;
    if (kind === 0) {
      let n = tag >>> 2;
      if (n >= 60) {
        const bytes = n - 59;
        if (pos + bytes > end) throw corrupt('literal length past the end');
        n = 0;
        for (let i = 0; i < bytes; i++) n += (body[pos + i] as number) * 2 ** (8 * i);
        pos += bytes;
      }
      n += 1;
      if (pos + n > end) throw corrupt('literal past the end of the input');
      if (at + n > length) throw corrupt('literal past the declared length');
      out.set(body.subarray(pos, pos + n), at);
      pos += n;
      at += n;
      continue;
    }
    let n: number;
    let offset: number;
    if (kind === 1) {
      if (pos >= end) throw corrupt('copy past the end of the input');
      n = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | (body[pos++] as number);
    } else if (kind === 2) {
      if (pos + 2 > end) throw corrupt('copy past the end of the input');
      n = (tag >>> 2) + 1;
      offset = (body[pos] as number) | ((body[pos + 1] as number) << 8);
      pos += 2;
    } else {
      if (pos + 4 > end) throw corrupt('copy past the end of the input');
      n = (tag >>> 2) + 1;
      offset =
        (body[pos] as number) +
        (body[pos + 1] as number) * 0x100 +
        (body[pos + 2] as number) * 0x10000 +
        (body[pos + 3] as number) * 0x1000000;
      pos += 4;
    }
    if (offset === 0 || offset > at) throw corrupt('copy offset outside the output');
    if (at + n > length) throw corrupt('copy past the declared length');
    if (offset >= n) {
      out.copyWithin(at, at - offset, at - offset + n);
      at += n;
    } else {
      // An overlapping copy repeats the last `offset` bytes: byte by byte, as the format defines it.
      for (let i = 0; i < n; i++, at++) out[at] = out[at - offset] as number;
    }
  }
  if (at !== length) throw corrupt(`${at} bytes decoded, ${length} declared`);
  return out;
}
