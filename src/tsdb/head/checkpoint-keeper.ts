import type { Labels } from '../../promql/engine/core/labels.js';
import type { FloatHistogram } from '../../promql/engine/histograms/native/float-histogram.js';
import {
  RECORD,
  decodeHistograms,
  decodeSamples,
  decodeSeries,
  encodeHistograms,
  encodeMetadata,
  encodeSamples,
  encodeSeries,
  type MetadataEntry,
} from '../wal/records.js';
import type { Head } from './head.js';

/**
 * What a WAL checkpoint keeps after the head was truncated to `mint` (Prometheus's checkpoint rules): the series still
 * in the head, the samples at or after `mint`, and the metadata once, as it is now.
 */
export function checkpointKeeper(
  head: Head,
  mint: number,
  metadata: () => MetadataEntry[],
): (type: number, payload: Uint8Array) => Uint8Array | null {
  let metadataWritten = false;
  return (type, payload) => {
    switch (type) {
      case RECORD.SERIES: {
        const refs: number[] = [];
        const labels: Labels[] = [];
        decodeSeries(payload, (ref, l) => {
          if (head.getByRef(ref) !== undefined) {
            refs.push(ref);
            labels.push(l);
          }
        });
        return refs.length > 0 ? encodeSeries(refs, labels) : null;
      }
      case RECORD.SAMPLES: {
        const refs: number[] = [];
        const ts: number[] = [];
        const vs: number[] = [];
        const stale: number[] = [];
        decodeSamples(payload, (ref, t, v, s) => {
          if (t < mint || head.getByRef(ref) === undefined) return;
          refs.push(ref);
          ts.push(t);
          vs.push(v);
          stale.push(s ? 1 : 0);
        });
        return refs.length > 0 ? encodeSamples(refs.length, refs, ts, vs, stale) : null;
      }
      case RECORD.HISTOGRAMS: {
        const kept: { ref: number; t: number; h: FloatHistogram }[] = [];
        decodeHistograms(payload, (ref, t, h) => {
          if (t >= mint && head.getByRef(ref) !== undefined) kept.push({ ref, t, h });
        });
        return kept.length > 0 ? encodeHistograms(kept) : null;
      }
      case RECORD.METADATA: {
        if (metadataWritten) return null;
        metadataWritten = true;
        const all = metadata();
        return all.length > 0 ? encodeMetadata(all) : null;
      }
      default:
        return null;
    }
  };
}
