/*
 * Set operations on postings lists: ascending, duplicate-free series ids in a Uint32Array. A result may be one of its
 * inputs (for example the union of a single list), so callers treat every list as read-only.
 */

const EMPTY = new Uint32Array(0);

/** A lopsided pair (one list this many times longer than the other) is walked by galloping instead of merging. */
const GALLOP_RATIO = 16;

/** The first index ≥ `from` whose value is ≥ `x` (or `list.length`), by exponential then binary search. */
function seek(list: Uint32Array, x: number, from: number): number {
  const n = list.length;
  if (from >= n || (list[from] as number) >= x) return from;
  let lo = from;
  let step = 1;
  let hi = from + 1;
  while (hi < n && (list[hi] as number) < x) {
    lo = hi;
    step *= 2;
    hi = from + step;
  }
  if (hi > n) hi = n;
  // Invariant: list[lo] < x, and list[hi] >= x or hi === n.
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as number) < x) lo = mid;
    else hi = mid;
  }
  return hi;
}

function trimmed(out: Uint32Array, n: number): Uint32Array {
  if (n === 0) return EMPTY;
  return n === out.length ? out : out.slice(0, n);
}

/**
 * The ids in both lists. Selectors usually pair a small list (`job="x"`) with a huge one (`__name__=~".+"`), so when
 * one list is much longer the short one is walked and the long one is skipped through by galloping, costing
 * O(short · log long) instead of a full merge.
 */
export function intersectPostings(a: Uint32Array, b: Uint32Array): Uint32Array {
  if (a.length === 0 || b.length === 0) return EMPTY;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  const out = new Uint32Array(short.length);
  let n = 0;
  if (long.length > short.length * GALLOP_RATIO) {
    let j = 0;
    for (let i = 0; i < short.length; i++) {
      const x = short[i] as number;
      j = seek(long, x, j);
      if (j === long.length) break;
      if (long[j] === x) {
        out[n++] = x;
        j++;
      }
    }
  } else {
    let i = 0;
    let j = 0;
    while (i < short.length && j < long.length) {
      const x = short[i] as number;
      const y = long[j] as number;
      if (x === y) {
        out[n++] = x;
        i++;
        j++;
      } else if (x < y) i++;
      else j++;
    }
  }
  return trimmed(out, n);
}

function unionTwo(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) {
      out[n++] = x;
      i++;
      j++;
    } else if (x < y) {
      out[n++] = x;
      i++;
    } else {
      out[n++] = y;
      j++;
    }
  }
  while (i < a.length) out[n++] = a[i++] as number;
  while (j < b.length) out[n++] = b[j++] as number;
  return trimmed(out, n);
}

/**
 * The ids in any of the lists. A regex matcher unions the postings of every matching label value — often thousands of
 * short lists — so this is a k-way merge over a binary heap of list cursors (O(total · log k)), not a chain of pairwise
 * merges that would copy the growing result k times.
 */
export function unionPostings(lists: readonly Uint32Array[]): Uint32Array {
  const live = lists.filter((list) => list.length > 0);
  if (live.length === 0) return EMPTY;
  if (live.length === 1) return live[0] as Uint32Array;
  if (live.length === 2) return unionTwo(live[0] as Uint32Array, live[1] as Uint32Array);

  let total = 0;
  for (const list of live) total += list.length;
  const out = new Uint32Array(total);
  const k = live.length;
  const pos = new Uint32Array(k);
  // heap[i] is a list index; ordered by that list's current value.
  const heap = new Uint32Array(k);
  const head = (h: number): number => (live[h] as Uint32Array)[pos[h] as number] as number;
  let size = 0;
  const siftDown = (start: number): void => {
    let i = start;
    const item = heap[i] as number;
    const value = head(item);
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && head(heap[child + 1] as number) < head(heap[child] as number)) child++;
      if (head(heap[child] as number) >= value) break;
      heap[i] = heap[child] as number;
      i = child;
    }
    heap[i] = item;
  };
  for (let h = 0; h < k; h++) heap[size++] = h;
  for (let i = (size >>> 1) - 1; i >= 0; i--) siftDown(i);

  let n = 0;
  let last = -1;
  while (size > 0) {
    const top = heap[0] as number;
    const x = head(top);
    if (x !== last) {
      out[n++] = x;
      last = x;
    }
    const next = (pos[top] as number) + 1;
    pos[top] = next;
    if (next === (live[top] as Uint32Array).length) {
      size--;
      if (size === 0) break;
      heap[0] = heap[size] as number;
    }
    siftDown(0);
  }
  return trimmed(out, n);
}

/**
 * The ids of `a` that are not in `b`: how negative matchers (`l!="v"`, `l=""`) remove series from what the positive
 * ones selected. Gallops through `b` when it is much longer than `a`.
 */
export function subtractPostings(a: Uint32Array, b: Uint32Array): Uint32Array {
  if (a.length === 0) return EMPTY;
  if (b.length === 0) return a;
  const out = new Uint32Array(a.length);
  const gallop = b.length > a.length * GALLOP_RATIO;
  let n = 0;
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    if (gallop) j = seek(b, x, j);
    else while (j < b.length && (b[j] as number) < x) j++;
    if (j < b.length && b[j] === x) j++;
    else out[n++] = x;
  }
  return n === a.length ? a : trimmed(out, n);
}
