import type { Labels } from '../../promql/engine/core/labels.js';
import type { IndexReader } from '../index/index-reader.js';

/** A growable, sorted list of series refs; readers get views, which later appends never change. */
class RefList {
  private refs = new Uint32Array(4);
  length = 0;

  add(ref: number): void {
    if (this.length === this.refs.length) {
      const grown = new Uint32Array(this.refs.length * 2);
      grown.set(this.refs);
      this.refs = grown;
    }
    this.refs[this.length++] = ref;
  }

  /** Removes refs in place of a new array, so views handed out earlier keep what they saw. */
  remove(dead: ReadonlySet<number>): void {
    const kept = new Uint32Array(Math.max(4, this.length));
    let n = 0;
    for (let i = 0; i < this.length; i++) {
      const ref = this.refs[i] as number;
      if (!dead.has(ref)) kept[n++] = ref;
    }
    this.refs = kept;
    this.length = n;
  }

  view(): Uint32Array {
    return this.refs.subarray(0, this.length);
  }
}

const EMPTY = new Uint32Array(0);

/**
 * The head's inverted index: label pair → the refs of the series carrying it, ascending (refs are handed out in
 * increasing order, so appending keeps lists sorted). It answers the same IndexReader questions as a block's index.
 */
export class HeadPostings implements IndexReader {
  private readonly byName = new Map<string, Map<string, RefList>>();
  private readonly all = new RefList();
  private sortedNames: string[] | null = null;
  private readonly sortedValues = new Map<string, string[]>();

  add(ref: number, labels: Labels): void {
    this.all.add(ref);
    for (const { name, value } of labels) {
      let values = this.byName.get(name);
      if (values === undefined) {
        values = new Map();
        this.byName.set(name, values);
        this.sortedNames = null;
      }
      let list = values.get(value);
      if (list === undefined) {
        list = new RefList();
        values.set(value, list);
        this.sortedValues.delete(name);
      }
      list.add(ref);
    }
  }

  /** Forgets series that were garbage-collected from the head. */
  remove(dead: ReadonlyMap<number, Labels>): void {
    if (dead.size === 0) return;
    const refs = new Set(dead.keys());
    this.all.remove(refs);
    const touched = new Map<string, Set<string>>();
    for (const labels of dead.values()) {
      for (const { name, value } of labels) {
        let values = touched.get(name);
        if (values === undefined) touched.set(name, (values = new Set()));
        values.add(value);
      }
    }
    for (const [name, values] of touched) {
      const lists = this.byName.get(name);
      if (lists === undefined) continue;
      for (const value of values) {
        const list = lists.get(value);
        if (list === undefined) continue;
        list.remove(refs);
        if (list.length === 0) lists.delete(value);
      }
      this.sortedValues.delete(name);
      if (lists.size === 0) {
        this.byName.delete(name);
        this.sortedNames = null;
      }
    }
  }

  labelNames(): readonly string[] {
    this.sortedNames ??= [...this.byName.keys()].sort(byCodeUnit);
    return this.sortedNames;
  }

  labelValues(name: string): readonly string[] {
    let values = this.sortedValues.get(name);
    if (values === undefined) {
      values = [...(this.byName.get(name)?.keys() ?? [])].sort(byCodeUnit);
      this.sortedValues.set(name, values);
    }
    return values;
  }

  postings(name: string, value: string): Uint32Array {
    return this.byName.get(name)?.get(value)?.view() ?? EMPTY;
  }

  allPostings(): Uint32Array {
    return this.all.view();
  }

  /** How many series carry the pair (for per-tenant limits without an intersection). */
  count(name: string, value: string): number {
    return this.byName.get(name)?.get(value)?.length ?? 0;
  }
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
