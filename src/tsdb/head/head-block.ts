import { compareLabels } from '../../promql/engine/core/labels.js';
import type { SeriesInput } from '../block/writer.js';
import type { Head } from './head.js';

/**
 * The head's series with chunks in [mint, maxt), in label order, as a block writer takes them. Head chunks never
 * cross a 2 h boundary, so a chunk is either inside the block's range or outside it.
 */
export function headBlockSeries(head: Head, mint: number, maxt: number): SeriesInput[] {
  const out: SeriesInput[] = [];
  for (const series of head.allSeries()) {
    const chunks = series
      .allChunks()
      .filter((c) => c.minT >= mint && c.maxT < maxt)
      .map((c) => ({ minT: c.minT, maxT: c.maxT, encoding: c.encoding, bytes: c.bytes, samples: c.samples }));
    if (chunks.length > 0) out.push({ labels: series.labels, chunks });
  }
  return out.sort((a, b) => compareLabels(a.labels, b.labels));
}
