import type { FloatSamples } from '../../promql/engine/storage.js';

const INITIAL_CAPACITY = 64;

/**
 * A growable column store that chunk readers append float samples to, so a query decodes straight into typed arrays
 * (no object per sample) and hands the engine views of them. The stale column is only allocated once a stale sample
 * arrives, as most ranges have none.
 */
export class FloatColumns {
  length = 0;
  private timestamps: Float64Array;
  private values: Float64Array;
  private stale: Uint8Array | undefined;

  constructor(initialCapacity = INITIAL_CAPACITY) {
    const capacity = Math.max(1, initialCapacity);
    this.timestamps = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  push(t: number, value: number, stale: boolean): void {
    const n = this.length;
    if (n === this.timestamps.length) this.grow();
    this.timestamps[n] = t;
    this.values[n] = value;
    if (this.stale !== undefined) this.stale[n] = stale ? 1 : 0;
    else if (stale) {
      this.stale = new Uint8Array(this.timestamps.length);
      this.stale[n] = 1;
    }
    this.length = n + 1;
  }

  /**
   * The samples pushed so far as the engine's FloatSamples: views of this store's arrays trimmed to `length` (not
   * copies), with `stale` only when one of them is stale.
   */
  toFloatSamples(): FloatSamples {
    return this.samplesFrom(0);
  }

  /**
   * The samples pushed since `from` (an earlier `length`), as views. A reader decoding many series into one store
   * takes each series' samples this way: a later growth moves on to new arrays and leaves these views as they are.
   */
  samplesFrom(from: number): FloatSamples {
    const n = this.length;
    const timestamps = this.timestamps.subarray(from, n);
    const values = this.values.subarray(from, n);
    const stale = this.stale?.subarray(from, n);
    return stale !== undefined && stale.includes(1) ? { timestamps, values, stale } : { timestamps, values };
  }

  private grow(): void {
    const capacity = this.timestamps.length * 2;
    const timestamps = new Float64Array(capacity);
    timestamps.set(this.timestamps);
    this.timestamps = timestamps;
    const values = new Float64Array(capacity);
    values.set(this.values);
    this.values = values;
    if (this.stale !== undefined) {
      const stale = new Uint8Array(capacity);
      stale.set(this.stale);
      this.stale = stale;
    }
  }
}
