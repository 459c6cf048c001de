import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RemoteWriteDecodeError } from './decode-error.js';
import { MAX_DECODED_BYTES, uncompressBody, uncompressBodyAsync } from './snappy-body.js';
import { snappy } from './testing/encoder.js';

const TEXT = Buffer.from('remote write '.repeat(1000));

function isDecodeError(message: string | RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof RemoteWriteDecodeError);
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  };
}

describe('uncompressBody', () => {
  it('uncompresses a Snappy block, on the calling thread or on the thread pool', async () => {
    assert.deepStrictEqual(uncompressBody(snappy(TEXT)), TEXT);
    assert.deepStrictEqual(await uncompressBodyAsync(snappy(TEXT)), TEXT);
    assert.deepStrictEqual(uncompressBody(snappy(Buffer.alloc(0))), Buffer.alloc(0));
  });

  it('refuses an empty body or a length header longer than five bytes', async () => {
    assert.throws(() => uncompressBody(Buffer.alloc(0)), isDecodeError('snappy: corrupt input'));
    await assert.rejects(
      uncompressBodyAsync(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x00])),
      isDecodeError('snappy: corrupt input'),
    );
  });

  it('refuses a body whose declared size exceeds 32 MiB, and accepts exactly 32 MiB declared', async () => {
    assert.equal(MAX_DECODED_BYTES, 33_554_432);
    const over = Buffer.from([0x81, 0x80, 0x80, 0x10]);
    assert.throws(
      () => uncompressBody(over),
      isDecodeError('snappy: decoded size 33554433 exceeds the 33554432 bytes limit'),
    );
    await assert.rejects(
      uncompressBodyAsync(over),
      isDecodeError('snappy: decoded size 33554433 exceeds the 33554432 bytes limit'),
    );
    // Exactly the limit passes the size check and then fails as the corrupt block it is.
    assert.throws(
      () => uncompressBody(Buffer.from([0x80, 0x80, 0x80, 0x10, 0x00])),
      isDecodeError(/^snappy: corrupt input \(/),
    );
  });

  it('passes on the decoder’s own reason for corrupt input', async () => {
    const truncated = snappy(TEXT).subarray(0, 30);
    assert.throws(() => uncompressBody(truncated), isDecodeError(/^snappy: corrupt input \(.+\)$/));
    await assert.rejects(uncompressBodyAsync(truncated), isDecodeError(/^snappy: corrupt input \(.+\)$/));
  });
});
