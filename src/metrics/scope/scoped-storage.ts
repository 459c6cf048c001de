import type { LabelMatcher, Querier, Storage } from '../../promql/index.js';

/**
 * A Storage that only ever shows the series in a team's scope: every select, label-names, label-values and series
 * call of its queriers gets the scope's matchers added to its own. It is the second line of defence behind
 * enforceScope (./enforce.ts): whatever reads the store — a selector the AST rewrite missed, a function that selects
 * by itself such as info(), a metadata endpoint — sees nothing outside the scope. Writes do not go through a Storage,
 * so this confines reads only.
 */
export function scopedStorage(storage: Storage, scope: readonly LabelMatcher[]): Storage {
  const fixed = [...scope];
  const within = (matchers: readonly LabelMatcher[]): LabelMatcher[] => [...matchers, ...fixed];
  return {
    async querier(range, options): Promise<Querier> {
      const inner = await storage.querier(range, options);
      return {
        select: (matchers, selectRange, hints) => inner.select(within(matchers), selectRange, hints),
        labelNames: (matchers, limit) => inner.labelNames(within(matchers), limit),
        labelValues: (name, matchers, limit) => inner.labelValues(name, within(matchers), limit),
        series: (matchers, limit) => inner.series(within(matchers), limit),
        close: () => inner.close(),
      };
    },
  };
}
