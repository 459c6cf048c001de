import type { HeadSeries } from './head-series.js';
import type { Head } from './head.js';
import {
  RECORD,
  decodeHistograms,
  decodeMetadata,
  decodeSamples,
  decodeSeries,
  type MetadataEntry,
} from '../wal/records.js';
import type { Wal } from '../wal/wal.js';

/**
 * Rebuilds the head from the WAL (its checkpoint, then its segments): series with the refs they were logged with, then
 * their samples. Samples already in a block (before the head's minValidTime) or already in the series are skipped, and a
 * series logged twice under two refs (collected and created again) gets the later samples of both.
 */
export function replayWal(
  wal: Wal,
  head: Head,
  onMetadata: (entry: MetadataEntry) => void,
): { samples: number; unknownRefs: number } {
  const aliases = new Map<number, HeadSeries>();
  let samples = 0;
  let unknownRefs = 0;
  const find = (ref: number) => aliases.get(ref) ?? head.getByRef(ref);
  const appendable = (series: HeadSeries | undefined, t: number): series is HeadSeries => {
    if (series === undefined) {
      unknownRefs++;
      return false;
    }
    return t >= head.minValidTime && t > series.lastT;
  };
  wal.replay((type, payload) => {
    switch (type) {
      case RECORD.SERIES:
        decodeSeries(payload, (ref, labels) => {
          const series = head.restore(ref, labels);
          if (series.ref !== ref) aliases.set(ref, series);
        });
        return;
      case RECORD.SAMPLES:
        decodeSamples(payload, (ref, t, value, stale) => {
          const series = find(ref);
          if (!appendable(series, t)) return;
          series.appendFloat(t, value, stale);
          head.noteAppended(series, t);
          samples++;
        });
        return;
      case RECORD.HISTOGRAMS:
        decodeHistograms(payload, (ref, t, h) => {
          const series = find(ref);
          if (!appendable(series, t)) return;
          series.appendHistogram(t, h);
          head.noteAppended(series, t);
          samples++;
        });
        return;
      case RECORD.METADATA:
        decodeMetadata(payload, onMetadata);
        return;
      default:
        return;
    }
  });
  return { samples, unknownRefs };
}
