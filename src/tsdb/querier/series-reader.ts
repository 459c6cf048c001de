import type { FloatHistogram } from '../../promql/engine/histograms/native/float-histogram.js';
import type { Labels } from '../../promql/engine/core/labels.js';
import type { SeriesSamples } from '../../promql/engine/storage.js';
import { readChunk } from '../chunks/chunk-reader.js';
import { FloatColumns } from '../chunks/float-columns.js';

/** A chunk some source (a block or the head) holds for a series, with how to get its bytes. */
export interface ChunkSource {
  readonly minT: number;
  readonly maxT: number;
  /** The last time this reader may see (the head's snapshot of the series); Infinity for blocks. */
  readonly visibleUntil: number;
  read(): { readonly encoding: number; readonly bytes: Uint8Array };
}

/**
 * Decodes a series' chunks (from blocks and the head, oldest source first) into the engine's shape for one range, into
 * `floats`, which a select shares between all its series (a few arrays per select instead of three per series).
 * Sources do not overlap in time in the common case; when they do (a block written while the head still held the same
 * samples, or overlapping blocks), samples are merged by time and a later source wins at the same time.
 */
export function readSeries(
  labels: Labels,
  chunks: readonly ChunkSource[],
  start: number,
  end: number,
  floats: FloatColumns,
): SeriesSamples | null {
  const from = floats.length;
  const histT: number[] = [];
  const histH: FloatHistogram[] = [];
  for (const chunk of chunks) {
    const until = Math.min(end, chunk.visibleUntil);
    if (chunk.maxT < start || chunk.minT > until) continue;
    const { encoding, bytes } = chunk.read();
    readChunk(encoding, bytes, start, until, floats, histT, histH);
  }
  if (floats.length === from && histT.length === 0) return null;
  let samples = floats.samplesFrom(from);
  let histograms: Histograms | undefined =
    histT.length > 0 ? { timestamps: Float64Array.from(histT), histograms: histH } : undefined;
  if (!ascending(samples.timestamps) || (histograms && !ascending(histograms.timestamps))) {
    ({ samples, histograms } = mergeByTime(samples, histograms));
  }
  return { labels, floats: samples, ...(histograms ? { histograms } : {}) };
}

function ascending(times: Float64Array): boolean {
  for (let i = 1; i < times.length; i++) if ((times[i] as number) <= (times[i - 1] as number)) return false;
  return true;
}

type Floats = ReturnType<FloatColumns['toFloatSamples']>;
type Histograms = { timestamps: Float64Array<ArrayBuffer>; histograms: FloatHistogram[] };

/** Sorts by time, keeping the last sample read at each time (a stable sort keeps source order among equals). */
function mergeByTime(
  floats: Floats,
  histograms: Histograms | undefined,
): { samples: Floats; histograms: Histograms | undefined } {
  const order = Array.from(floats.timestamps.keys()).sort(
    (a, b) => (floats.timestamps[a] as number) - (floats.timestamps[b] as number),
  );
  const out = new FloatColumns();
  for (let k = 0; k < order.length; k++) {
    const i = order[k] as number;
    const next = order[k + 1];
    if (next !== undefined && floats.timestamps[next] === floats.timestamps[i]) continue;
    out.push(floats.timestamps[i] as number, floats.values[i] as number, floats.stale?.[i] === 1);
  }
  let hist: Histograms | undefined;
  if (histograms) {
    const hOrder = Array.from(histograms.timestamps.keys()).sort(
      (a, b) => (histograms.timestamps[a] as number) - (histograms.timestamps[b] as number),
    );
    const t: number[] = [];
    const h: FloatHistogram[] = [];
    for (let k = 0; k < hOrder.length; k++) {
      const i = hOrder[k] as number;
      const next = hOrder[k + 1];
      if (next !== undefined && histograms.timestamps[next] === histograms.timestamps[i]) continue;
      t.push(histograms.timestamps[i] as number);
      h.push(histograms.histograms[i] as FloatHistogram);
    }
    hist = { timestamps: Float64Array.from(t), histograms: h };
  }
  return { samples: out.toFloatSamples(), histograms: hist };
}
