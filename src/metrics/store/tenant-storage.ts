import type { LabelMatcher } from '../../promql/ast.js';
import type { Labels } from '../../promql/engine/core/labels.js';
import type { Querier, QuerierOptions, SeriesSamples, Storage, TimeRange } from '../../promql/engine/storage.js';

/**
 * The label that holds a series' instance in the shared store. `@` can never start a label name that arrives over
 * remote-write (names match [a-zA-Z_][a-zA-Z0-9_]*), so no client can write or ask for it, and it sorts before every
 * other name, so it is always a series' first label.
 */
export const TENANT_LABEL = '@tenant';

function withoutTenant(labels: Labels): Labels {
  return labels[0]?.name === TENANT_LABEL ? labels.slice(1) : labels;
}

/**
 * One instance's view of the shared store: every read is confined to the instance's series by a matcher on the tenant
 * label, and that label is taken off everything handed back. Team scopes narrow this further (metrics/scope).
 */
export function tenantStorage(store: Storage, tenant: string): Storage {
  const own: LabelMatcher = { type: '=', name: TENANT_LABEL, value: tenant };
  const confine = (matchers: readonly LabelMatcher[]) => [own, ...matchers];
  return {
    async querier(range: TimeRange, options?: QuerierOptions): Promise<Querier> {
      const inner = await store.querier(range, options);
      return {
        async select(matchers, selectRange, hints): Promise<readonly SeriesSamples[]> {
          const rows = await inner.select(confine(matchers), selectRange, hints);
          return rows.map((row) => ({ ...row, labels: withoutTenant(row.labels) }));
        },
        async labelNames(matchers, limit) {
          const names = await inner.labelNames(confine(matchers));
          const mine = names.filter((name) => name !== TENANT_LABEL);
          return limit === undefined || limit <= 0 ? mine : mine.slice(0, limit);
        },
        async labelValues(name, matchers, limit) {
          if (name === TENANT_LABEL) return [];
          return inner.labelValues(name, confine(matchers), limit);
        },
        async series(matchers, limit) {
          return (await inner.series(confine(matchers), limit)).map(withoutTenant);
        },
        close: () => inner.close(),
      };
    },
  };
}
