import fc from 'fast-check';
import type { LabelMatcher } from '../../../promql/index.js';

/**
 * Random data sets and random PromQL for the scope's non-interference property: a few metrics whose series carry
 * label values inside and outside the scopes, and expressions from a small typed grammar that reaches every kind of
 * node (selectors with matchers on the scoped labels, range selectors, subqueries, offset and @, functions,
 * aggregations, binary and set operators with on/ignoring, label_replace, absent, count_values, scalar/vector, topk).
 */

/** A series: its labels and float samples `[time in ms, value, stale]`. */
export interface GeneratedSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly samples: readonly (readonly [number, number, boolean])[];
}

/** How a generated query is evaluated: at one time, or over a range. */
export type Evaluation =
  | { readonly kind: 'instant'; readonly time: number }
  | { readonly kind: 'range'; readonly start: number; readonly end: number; readonly step: number };

const MINUTE = 60_000;
const METRICS = ['m1', 'm2_total', 'm3'] as const;
const TEAMS = ['a', 'b', 'ab', 'A'] as const;
const ENVS = ['prod', 'stage', 'dev'] as const;
const REGIONS = ['eu', 'us'] as const;

/** The scopes the property runs with: one matcher, a regex and an equality, a negative regex and an inequality. */
export const SCOPES: readonly (readonly LabelMatcher[])[] = [
  [{ type: '=', name: 'team', value: 'a' }],
  [
    { type: '=~', name: 'env', value: 'prod|stage' },
    { type: '=', name: 'region', value: 'eu' },
  ],
  [
    { type: '!~', name: 'team', value: 'b|A' },
    { type: '!=', name: 'env', value: 'dev' },
  ],
];

const maybe = <T>(values: readonly T[]) => fc.option(fc.constantFrom(...values), { nil: undefined, freq: 3 });

const seriesLabels = fc
  .record({
    __name__: fc.constantFrom(...METRICS),
    // Weighted towards the scopes' values, so that in-scope results are seldom empty.
    team: maybe(['a', 'a', 'a', 'b', 'b', 'ab', 'A']),
    env: maybe(['prod', 'prod', 'stage', 'dev']),
    region: maybe(['eu', 'eu', 'us']),
    inst: maybe(['1', '2']),
  })
  .map((record) => {
    const labels: Record<string, string> = {};
    for (const [name, value] of Object.entries(record)) if (value !== undefined) labels[name] = value;
    return labels;
  });

const sampleValue = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: -3, max: 40 }) },
  { weight: 1, arbitrary: fc.constant(Number.NaN) },
);

const samples = fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 40 }), sampleValue), {
  minLength: 4,
  maxLength: 30,
  selector: ([slot]) => slot,
});

/**
 * Six to fourteen series with distinct label sets, their samples in 30 s slots between 0 and 20 minutes, now and then a
 * staleness marker.
 */
export const dataSet: fc.Arbitrary<GeneratedSeries[]> = fc.uniqueArray(
  fc.record({
    labels: seriesLabels,
    samples: fc
      .tuple(samples, fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 1 }))
      .map(([points, staleSlots]) =>
        points
          .filter(([slot]) => !staleSlots.includes(slot))
          .map(([slot, v]): [number, number, boolean] => [slot * 30_000, v, false])
          .concat(staleSlots.map((slot): [number, number, boolean] => [slot * 30_000, Number.NaN, true]))
          .sort((x, y) => x[0] - y[0]),
      ),
  }),
  { minLength: 6, maxLength: 14, selector: (s) => JSON.stringify(Object.entries(s.labels).sort()) },
);

export const evaluation: fc.Arbitrary<Evaluation> = fc.oneof(
  fc.integer({ min: 0, max: 45 }).map((half): Evaluation => ({ kind: 'instant', time: half * 30_000 })),
  fc
    .tuple(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 10 }), fc.constantFrom(1, 2, 5))
    .map(([from, span, step]): Evaluation => ({
      kind: 'range',
      start: from * MINUTE,
      end: (from + span) * MINUTE,
      step: step * 30_000,
    })),
);

const quote = (value: string) => JSON.stringify(value);

const EQUAL_VALUES: Readonly<Record<string, readonly string[]>> = {
  team: ['', ...TEAMS],
  env: ['', ...ENVS],
  region: ['', ...REGIONS],
};
const REGEX_VALUES: Readonly<Record<string, readonly string[]>> = {
  team: ['', '.*', '.+', 'a', 'a|b', 'a.*', '(?i)A', 'b|A'],
  env: ['', '.*', 'prod|stage', 'p.*', 'dev|prod', 'd.*'],
  region: ['', '.*', 'eu', 'e.*|u.*', '(?i)EU'],
  __name__: ['m.+', 'm2_total|m3', '.+', 'm1'],
};

/** A matcher on a scoped label, its value drawn from that label's values and regexes of them. */
const matcher = fc.constantFrom('team', 'env', 'region').chain((name) =>
  fc.oneof(
    fc
      .tuple(fc.constantFrom('=', '!='), fc.constantFrom(...(EQUAL_VALUES[name] ?? [])))
      .map(([op, value]) => `${name}${op}${quote(value)}`),
    fc
      .tuple(fc.constantFrom('=~', '!~'), fc.constantFrom(...(REGEX_VALUES[name] ?? [])))
      .map(([op, value]) => `${name}${op}${quote(value)}`),
  ),
);

/** A vector selector without modifiers; with no metric name it has a `__name__` regex no absent name matches. */
const selectorBody = fc
  .tuple(
    fc.option(fc.constantFrom(...METRICS), { nil: '' }),
    fc.constantFrom(...(REGEX_VALUES['__name__'] ?? [])),
    fc.array(matcher, { maxLength: 2 }),
  )
  .map(([name, nameRegex, matchers]) => {
    const all = name === '' ? [`__name__=~${quote(nameRegex)}`, ...matchers] : matchers;
    return all.length === 0 ? name : `${name}{${all.join(', ')}}`;
  });

/** Now and then `@` and `offset` (most selectors have neither). */
const rarely = (values: readonly string[]) =>
  fc.oneof({ weight: 5, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom(...values) });
const modifiers = fc
  .tuple(rarely(['@ 300', '@ 600.5', '@ start()', '@ end()']), rarely(['offset 1m', 'offset 5m', 'offset -2m']))
  .map(([at, offset]) => [at, offset].filter((m) => m !== '').join(' '));

const withModifiers = (body: string, mods: string) => (mods === '' ? body : `${body} ${mods}`);

const duration = fc.constantFrom('1m', '2m', '5m', '10m');
const RANGE_FUNCTIONS = [
  'rate',
  'increase',
  'delta',
  'irate',
  'changes',
  'resets',
  'deriv',
  'sum_over_time',
  'avg_over_time',
  'max_over_time',
  'count_over_time',
  'last_over_time',
  'present_over_time',
  'absent_over_time',
  'stddev_over_time',
] as const;
const AGGREGATIONS = ['sum', 'avg', 'count', 'min', 'max', 'group', 'stddev'] as const;
const GROUPING = fc.constantFrom('', 'by (team)', 'by (env, region)', 'without (team)', 'without (inst)', 'by ()');
const MATCHING = fc.constantFrom('', 'on (team)', 'on ()', 'ignoring (inst)', 'on (env, region)', 'ignoring (team)');
const GROUP_SIDE = fc.constantFrom('', 'group_left ()', 'group_right ()', 'group_left (inst)');

interface Grammar {
  readonly vector: fc.Arbitrary<string>;
  readonly scalar: fc.Arbitrary<string>;
  readonly range: fc.Arbitrary<string>;
}

const grammars: Grammar[] = [];

/** The expressions of the grammar up to `depth` levels of nesting. */
function grammar(depth: number): Grammar {
  const cached = grammars[depth];
  if (cached) return cached;
  const selector = fc.tuple(selectorBody, modifiers).map(([body, mods]) => withModifiers(body, mods));
  const rangeSelector = fc
    .tuple(selectorBody, duration, modifiers)
    .map(([body, d, mods]) => withModifiers(`${body}[${d}]`, mods));
  const number = fc.constantFrom('0', '1', '2', '0.5', '-1', '3');
  if (depth === 0) {
    const built = { vector: selector, scalar: fc.oneof(number, fc.constant('time()')), range: rangeSelector };
    grammars[depth] = built;
    return built;
  }
  const inner = grammar(depth - 1);
  const v = inner.vector;
  const s = inner.scalar;
  const subquery = fc
    .tuple(v, duration, fc.constantFrom('', '1m', '30s', '2m'), modifiers)
    .map(([e, d, step, mods]) => withModifiers(`(${e})[${d}:${step}]`, mods));
  const range = fc.oneof({ weight: 3, arbitrary: rangeSelector }, { weight: 1, arbitrary: subquery });
  const vector = fc.oneof(
    { weight: 4, arbitrary: selector },
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...RANGE_FUNCTIONS), range).map(([f, r]) => `${f}(${r})`) },
    {
      weight: 3,
      arbitrary: fc.tuple(fc.constantFrom(...AGGREGATIONS), GROUPING, v).map(([op, g, e]) => `${op} ${g} (${e})`),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('topk', 'bottomk', 'quantile'), GROUPING, s, v)
        .map(([op, g, k, e]) => `${op} ${g} (${k}, ${e})`),
    },
    { weight: 1, arbitrary: fc.tuple(GROUPING, v).map(([g, e]) => `count_values ${g} ("team", ${e})`) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(v, fc.constantFrom('+', '-', '*', '/', '>', '<=', '== bool', '!='), MATCHING, GROUP_SIDE, v)
        .map(([l, op, on, side, r]) => `(${l}) ${op} ${on === '' ? '' : `${on} ${side}`} (${r})`),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(v, fc.constantFrom('and', 'or', 'unless'), MATCHING, v)
        .map(([l, op, on, r]) => `(${l}) ${op} ${on} (${r})`),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(v, fc.constantFrom('+', '*', '>', '< bool'), s, fc.boolean())
        .map(([e, op, k, flip]) => (flip ? `(${k}) ${op} (${e})` : `(${e}) ${op} (${k})`)),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          v,
          fc.constantFrom('team', 'env', 'zone'),
          fc.constantFrom('a', 'b', '$1', ''),
          fc.constantFrom('env', 'team', ''),
        )
        .map(([e, dst, rep, src]) => `label_replace(${e}, "${dst}", "${rep}", "${src}", "(.*)")`),
    },
    { weight: 1, arbitrary: v.map((e) => `absent(${e})`) },
    { weight: 1, arbitrary: s.map((e) => `vector(${e})`) },
    { weight: 1, arbitrary: v.map((e) => `-(${e})`) },
    { weight: 1, arbitrary: fc.tuple(v, s).map(([e, k]) => `clamp_min(${e}, ${k})`) },
    { weight: 1, arbitrary: fc.tuple(s, range).map(([k, r]) => `quantile_over_time(${k}, ${r})`) },
    { weight: 1, arbitrary: v.map((e) => `timestamp(${e})`) },
  );
  const scalar = fc.oneof(
    { weight: 2, arbitrary: s },
    { weight: 2, arbitrary: v.map((e) => `scalar(${e})`) },
    { weight: 1, arbitrary: fc.tuple(s, s).map(([l, r]) => `(${l}) * (${r})`) },
  );
  const built = { vector, scalar, range };
  grammars[depth] = built;
  return built;
}

/** A query of any type an instant or range query takes (vector or scalar), nested up to three levels. */
export const query: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.oneof(grammar(1).vector, grammar(2).vector, grammar(3).vector) },
  { weight: 1, arbitrary: grammar(2).scalar },
);
