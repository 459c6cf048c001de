import type { LabelMatcher, Labels, QueryValue, Storage } from '../../../promql/index.js';
import { Engine, type EngineOptions } from '../../../promql/index.js';
import { floatHistogram } from '../../../promql/engine/histograms/native/float-histogram.js';
import { labelsFrom } from '../../../promql/engine/core/labels.js';
import { MemoryStorage } from '../../../promql/testing/memory-storage.js';

/**
 * The store the scope tests attack: two teams' series side by side (and some of no team), with label values just
 * outside the scopes (`team="A"`, `env="dev"`, `region="us"`), so that every leak shows up in a result.
 */

export const MINUTE = 60_000;
/** When the tests evaluate: the 11th sample of every series. */
export const T = 10 * MINUTE;

/** A team scoped to `{team="a"}`. */
export const TEAM_A: readonly LabelMatcher[] = [{ type: '=', name: 'team', value: 'a' }];
/** A scope of two matchers, one of them a regex. */
export const PROD_EU: readonly LabelMatcher[] = [
  { type: '=~', name: 'env', value: 'prod|stage' },
  { type: '=', name: 'region', value: 'eu' },
];

/** The float series: every minute from 0 to 10 minutes, the value `base × minutes` (so a counter of rate base/60). */
const FLOAT_SERIES: readonly (readonly [Readonly<Record<string, string>>, number])[] = [
  [{ __name__: 'x', team: 'a', env: 'prod', region: 'eu' }, 1],
  [{ __name__: 'x', team: 'a', env: 'dev', region: 'eu' }, 2],
  [{ __name__: 'x', team: 'b', env: 'stage', region: 'eu' }, 10],
  [{ __name__: 'x', team: 'b', env: 'prod', region: 'us' }, 20],
  [{ __name__: 'x', env: 'prod', region: 'eu' }, 100],
  [{ __name__: 'x', team: 'A', env: 'dev', region: 'us' }, 1000],
  [{ __name__: 'x', team: 'ab', env: 'dev', region: 'eu' }, 3],
  [{ __name__: 'y', team: 'a', env: 'stage', region: 'eu' }, 3],
  [{ __name__: 'y', team: 'b', env: 'prod', region: 'eu' }, 30],
  // Classic histograms: team a's median is 0.75, team b's 1.
  [{ __name__: 'h_bucket', team: 'a', le: '0.5' }, 1],
  [{ __name__: 'h_bucket', team: 'a', le: '1' }, 3],
  [{ __name__: 'h_bucket', team: 'a', le: '+Inf' }, 4],
  [{ __name__: 'h_bucket', team: 'b', le: '0.5' }, 0],
  [{ __name__: 'h_bucket', team: 'b', le: '1' }, 0],
  [{ __name__: 'h_bucket', team: 'b', le: '+Inf' }, 10],
];

/** The native histograms: one sample at T each. */
const NATIVE_SERIES: readonly (readonly [Readonly<Record<string, string>>, number, number])[] = [
  [{ __name__: 'hn', team: 'a' }, 4, 2],
  [{ __name__: 'hn', team: 'b' }, 40, 80],
];

/** A fresh in-memory store holding the series above. */
export function teamStore(): MemoryStorage {
  const store = new MemoryStorage();
  const minutes = Array.from({ length: 11 }, (_, i) => i);
  for (const [labels, base] of FLOAT_SERIES) {
    store.appendSamples(
      labelsFrom(labels),
      minutes.map((i) => i * MINUTE),
      minutes.map((i) => base * i),
    );
  }
  for (const [labels, count, sum] of NATIVE_SERIES) {
    store.appendHistogram(labelsFrom(labels), T, floatHistogram({ count, sum }));
  }
  return store;
}

function labelText(labels: Labels): string {
  return `{${labels.map((l) => `${l.name}="${l.value}"`).join(', ')}}`;
}

/** A result as comparable plain data: `{labels} v` lines, `{labels} t=v …` for matrices, a number for a scalar. */
function plain(value: QueryValue): string[] | number | string {
  switch (value.resultType) {
    case 'scalar':
    case 'string':
      return value.result.v;
    case 'vector':
      return value.result.map((s) => `${labelText(s.labels)} ${s.h ? `count=${s.h.count}` : s.v}`);
    case 'matrix':
      return value.result.map(
        (s) => `${labelText(s.labels)} ${s.timestamps.map((t, i) => `${t / 1000}s=${s.values[i]}`).join(' ')}`,
      );
  }
}

/** An instant query's plain result at `time`, or `error: <message>` when it fails. */
export async function instant(
  storage: Storage,
  options: EngineOptions,
  query: string,
  time = T,
): Promise<string[] | number | string> {
  const engine = new Engine(storage, { experimentalFunctions: true, ...options });
  try {
    return plain((await engine.instantQuery(query, time)).value);
  } catch (error) {
    return `error: ${error instanceof Error ? error.message : String(error)}`;
  }
}
