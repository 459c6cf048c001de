import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FloatHistogram } from '../../promql/engine/histograms/native/float-histogram.js';
import { fh } from '../../promql/testing/histogram-fixtures.js';
import { readChunk } from './chunk-reader.js';
import { FLOAT_HISTOGRAM_ENCODING, XOR_ENCODING } from './encoding.js';
import { TsdbCorruptionError } from './errors.js';
import { FloatColumns } from './float-columns.js';
import { FloatHistogramAppender } from './float-histogram-chunk.js';
import { XorAppender } from './xor-chunk.js';

describe('readChunk', () => {
  const floats = new XorAppender();
  for (let i = 0; i < 5; i++) floats.append(i * 10, i, i === 4);
  const histograms = new FloatHistogramAppender();
  for (let i = 0; i < 5; i++) histograms.append(i * 10 + 5, fh({ count: i, sum: i * 2 }));

  it('uses Prometheus XOR encoding number 1 and 0x83 for vigil float-histogram chunks', () => {
    assert.deepEqual([XOR_ENCODING, FLOAT_HISTOGRAM_ENCODING], [1, 0x83]);
  });

  it('decodes an XOR chunk into the float columns, within the range', () => {
    const columns = new FloatColumns();
    const histT: number[] = [];
    const histH: FloatHistogram[] = [];
    readChunk(XOR_ENCODING, floats.bytes(), 10, 40, columns, histT, histH);
    const samples = columns.toFloatSamples();
    assert.deepEqual([...samples.timestamps], [10, 20, 30, 40]);
    assert.deepEqual([...samples.values.subarray(0, 3)], [1, 2, 3]);
    assert.deepEqual([...(samples.stale ?? [])], [0, 0, 0, 1]);
    assert.deepEqual([histT, histH], [[], []]);
  });

  it('decodes a float-histogram chunk into the histogram arrays, within the range', () => {
    const columns = new FloatColumns();
    const histT: number[] = [];
    const histH: FloatHistogram[] = [];
    readChunk(FLOAT_HISTOGRAM_ENCODING, histograms.bytes(), 10, 30, columns, histT, histH);
    assert.deepEqual(histT, [15, 25]);
    assert.deepEqual(histH, [fh({ count: 1, sum: 2 }), fh({ count: 2, sum: 4 })]);
    assert.equal(columns.length, 0);
  });

  it('throws TsdbCorruptionError for an encoding it does not know, Prometheus histogram encodings included', () => {
    for (const encoding of [0, 2, 3, 4, 5, 6, 0x81, 0x84, 255]) {
      assert.throws(
        () => readChunk(encoding, floats.bytes(), 0, 100, new FloatColumns(), [], []),
        (error: unknown) =>
          error instanceof TsdbCorruptionError && error.message === `unknown chunk encoding ${encoding}`,
      );
    }
  });

  it('throws TsdbCorruptionError for truncated bytes of either encoding', () => {
    for (const [encoding, bytes] of [
      [XOR_ENCODING, floats.bytes()],
      [FLOAT_HISTOGRAM_ENCODING, histograms.bytes()],
    ] as const) {
      assert.throws(
        () => readChunk(encoding, bytes.subarray(0, bytes.length - 1), 0, 100, new FloatColumns(), [], []),
        TsdbCorruptionError,
      );
    }
  });

  it('names itself TsdbCorruptionError', () => {
    assert.equal(new TsdbCorruptionError('x').name, 'TsdbCorruptionError');
  });
});
