import { performance } from 'node:perf_hooks';
import { setImmediate } from 'node:timers/promises';

/**
 * A function that yields to the event loop once `budgetMs` of synchronous work has passed since the last yield, and
 * is otherwise a resolved promise. Block writing and compaction await it between series, so requests keep being
 * served while a block is built, at the cost of one `setImmediate` per budget.
 */
export function pauser(budgetMs = 10): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < budgetMs) return;
    await setImmediate();
    last = performance.now();
  };
}
