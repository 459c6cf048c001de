import type { FloatHistogram } from '../../promql/engine/histograms/native/float-histogram.js';
import { FLOAT_HISTOGRAM_ENCODING, XOR_ENCODING } from './encoding.js';
import { TsdbCorruptionError } from './errors.js';
import type { FloatColumns } from './float-columns.js';
import { readFloatHistogramChunk } from './float-histogram-chunk.js';
import { readXorChunk } from './xor-chunk.js';

/**
 * Decodes the samples with `start` ≤ t ≤ `end` of a chunk of either encoding: floats into `floats`, histograms into
 * `histT`/`histH`. The querier and compaction read chunks through it, so they need not know the encodings. Throws
 * TsdbCorruptionError for an encoding it does not know or bytes it cannot decode.
 */
export function readChunk(
  encoding: number,
  bytes: Uint8Array,
  start: number,
  end: number,
  floats: FloatColumns,
  histT: number[],
  histH: FloatHistogram[],
): void {
  if (encoding === XOR_ENCODING) readXorChunk(bytes, start, end, floats);
  else if (encoding === FLOAT_HISTOGRAM_ENCODING) readFloatHistogramChunk(bytes, start, end, histT, histH);
  else throw new TsdbCorruptionError(`unknown chunk encoding ${encoding}`);
}
