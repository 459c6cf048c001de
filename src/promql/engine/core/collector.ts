import { EvaluationError } from '../result.js';
import { labelsKey, type Labels } from './labels.js';
import type { FloatHistogram } from '../histograms/native/float-histogram.js';
import { FLOAT, HISTOGRAM, type StepSeries } from './types.js';

export interface MutableSeries {
  readonly labels: Labels;
  readonly values: Float64Array;
  readonly present: Uint8Array;
  histograms?: (FloatHistogram | undefined)[];
  dropName: boolean;
}

export const DUPLICATE_LABELSET = 'vector cannot contain metrics with the same labelset';

/**
 * Builds a node's output series when their label sets are computed (binary operators, label functions): one series
 * per distinct label set, and an error when two values land on the same series at the same step, as Prometheus's
 * "vector cannot contain metrics with the same labelset".
 */
export class SeriesCollector {
  private readonly byKey = new Map<string, MutableSeries>();

  constructor(private readonly steps: number) {}

  series(labels: Labels, dropName: boolean, key: string = labelsKey(labels)): MutableSeries {
    let series = this.byKey.get(key);
    if (!series) {
      series = { labels, values: new Float64Array(this.steps), present: new Uint8Array(this.steps), dropName };
      this.byKey.set(key, series);
    }
    return series;
  }

  static set(series: MutableSeries, step: number, value: number): void {
    if (series.present[step] !== 0) throw new EvaluationError(DUPLICATE_LABELSET);
    series.present[step] = FLOAT;
    series.values[step] = value;
  }

  static setHistogram(series: MutableSeries, step: number, histogram: FloatHistogram): void {
    if (series.present[step] !== 0) throw new EvaluationError(DUPLICATE_LABELSET);
    series.present[step] = HISTOGRAM;
    series.histograms ??= new Array<FloatHistogram | undefined>(series.present.length);
    series.histograms[step] = histogram;
  }

  /** Copies the sample of `from` at `step`, float or histogram, into `series`. */
  static copy(series: MutableSeries, step: number, from: StepSeries): void {
    const histogram = from.present[step] === HISTOGRAM ? from.histograms?.[step] : undefined;
    if (histogram) SeriesCollector.setHistogram(series, step, histogram);
    else if (from.present[step] === FLOAT) SeriesCollector.set(series, step, from.values[step] as number);
  }

  result(): StepSeries[] {
    return [...this.byKey.values()];
  }
}
