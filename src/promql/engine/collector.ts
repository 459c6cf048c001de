import { EvaluationError } from './result.js';
import { labelsKey, type Labels } from './labels.js';
import type { StepSeries } from './types.js';

export interface MutableSeries {
  readonly labels: Labels;
  readonly values: Float64Array;
  readonly present: Uint8Array;
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
    if (series.present[step] === 1) throw new EvaluationError(DUPLICATE_LABELSET);
    series.present[step] = 1;
    series.values[step] = value;
  }

  result(): StepSeries[] {
    return [...this.byKey.values()];
  }
}

/** Series that no step has a value for are left out of results. */
export function hasAnyValue(series: StepSeries): boolean {
  return series.present.includes(1);
}
