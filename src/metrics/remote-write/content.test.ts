import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { negotiate, UnsupportedMediaType } from './content.js';

const V1 = 'application/x-protobuf;proto=prometheus.WriteRequest';
const V2 = 'application/x-protobuf;proto=io.prometheus.write.v2.Request';
const ACCEPTED =
  'accepted: application/x-protobuf or application/x-protobuf;proto=prometheus.WriteRequest (remote-write 1.0), ' +
  'application/x-protobuf;proto=io.prometheus.write.v2.Request (remote-write 2.0)';

describe('negotiate', () => {
  const accepted: [string | undefined, string | undefined, 1 | 2][] = [
    ['application/x-protobuf', 'snappy', 1],
    [V1, 'snappy', 1],
    [V2, 'snappy', 2],
    // Prometheus treats a missing or empty Content-Type as 1.0 and a missing or empty Content-Encoding as snappy.
    [undefined, undefined, 1],
    ['', '', 1],
    ['   ', 'snappy', 1],
    [undefined, 'snappy', 1],
    ['application/x-protobuf', undefined, 1],
    [V2, undefined, 2],
    [V2, '', 2],
    // Case, spaces, quoting, empty and unknown parameters.
    ['Application/X-Protobuf; Proto=io.prometheus.write.v2.Request', 'SNAPPY', 2],
    ['  application/x-protobuf ; proto = io.prometheus.write.v2.Request ; ', ' Snappy ', 2],
    ['application/x-protobuf;proto="io.prometheus.write.v2.Request"', 'snappy', 2],
    ['application/x-protobuf;charset=utf-8;proto=io.prometheus.write.v2.Request', 'snappy', 2],
    ['application/x-protobuf; charset=utf-8', 'snappy', 1],
    ['application/x-protobuf;;proto=io.prometheus.write.v2.Request', 'snappy', 2],
    ['application/x-protobuf;', 'snappy', 1],
    // Only the first proto parameter counts, as in Go's ParseProtoMsg.
    [`${V1};proto=io.prometheus.write.v2.Request`, 'snappy', 1],
  ];
  for (const [contentType, contentEncoding, version] of accepted) {
    it(`accepts ${JSON.stringify(contentType)} with ${JSON.stringify(contentEncoding)} as ${version}`, () => {
      assert.equal(negotiate(contentType, contentEncoding), version);
    });
  }

  const refusedTypes = [
    'application/json',
    'text/plain;proto=io.prometheus.write.v2.Request',
    'application/x-protobufs',
    'application/x-protobuf;proto=io.prometheus.write.v3.Request',
    'application/x-protobuf;proto=IO.PROMETHEUS.WRITE.V2.REQUEST',
    'application/x-protobuf;proto=',
    'application/x-protobuf;proto',
    'application/x-protobuf;charset',
    ';proto=io.prometheus.write.v2.Request',
  ];
  for (const contentType of refusedTypes) {
    it(`refuses Content-Type ${JSON.stringify(contentType)}`, () => {
      assert.throws(
        () => negotiate(contentType, 'snappy'),
        (error: unknown) => {
          assert.ok(error instanceof UnsupportedMediaType);
          assert.equal(error.message, `Content-Type ${JSON.stringify(contentType)} is not supported; ${ACCEPTED}`);
          assert.equal(error.code, 'unsupported_media_type');
          return true;
        },
      );
    });
  }

  for (const contentEncoding of ['gzip', 'identity', 'snappy, gzip', 'x-snappy-framed', 'zstd']) {
    it(`refuses Content-Encoding ${JSON.stringify(contentEncoding)}`, () => {
      assert.throws(() => negotiate(V2, contentEncoding), {
        name: 'UnsupportedMediaType',
        message: `Content-Encoding ${JSON.stringify(contentEncoding)} is not supported; only snappy (block format) is accepted`,
      });
    });
  }

  it('names the encoding first when both headers are wrong, as Prometheus checks it first', () => {
    assert.throws(() => negotiate('application/json', 'gzip'), {
      name: 'UnsupportedMediaType',
      message: 'Content-Encoding "gzip" is not supported; only snappy (block format) is accepted',
    });
  });
});
