import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EngineOptions, Expr, LabelMatcher } from '../../promql/index.js';
import { Engine, parse, print } from '../../promql/index.js';
import { enforceMatcherSets, enforceScope } from './enforce.js';
import { scopedStorage } from './scoped-storage.js';
import { instant, MINUTE, PROD_EU, T, TEAM_A, teamStore } from './testing/team-data.js';

type Plain = string[] | number | string;

/** An attack: the query, what the scoped team must see, and what it sees when only the store is scoped, if other. */
type Attack = readonly [query: string, expected: Plain, storeOnly?: Plain];

const X_A_DEV = '{__name__="x", env="dev", region="eu", team="a"}';
const X_A_PROD = '{__name__="x", env="prod", region="eu", team="a"}';
const BOTH_X_A = [`${X_A_DEV} 20`, `${X_A_PROD} 10`];
const NOT_NON_EMPTY = 'error: 1:1: parse error: vector selector must contain at least one non-empty matcher';

const TEAM_A_ATTACKS: readonly Attack[] = [
  ['x', BOTH_X_A],
  [
    '{__name__=~".+", le=""}',
    ['{__name__="hn", team="a"} count=4', ...BOTH_X_A, '{__name__="y", env="stage", region="eu", team="a"} 30'],
  ],
  ['{team="b"}', []],
  ['x{team=~"a|b"}', BOTH_X_A],
  ['x{team!="a"}', []],
  ['{team=~".*"}', NOT_NON_EMPTY],
  ['x{team=~".*"}', BOTH_X_A],
  ['x{team=~"a.*"}', BOTH_X_A],
  ['x{team=~".+"}', BOTH_X_A],
  ['x{team=~"(?i)A"}', BOTH_X_A],
  ['x{team=""}', []],
  ['x or y{team="b"}', BOTH_X_A],
  ['x unless on(env) y', BOTH_X_A],
  ['x unless y', BOTH_X_A],
  ['x and on() y', BOTH_X_A],
  ['x and on() y{team="b"}', []],
  ['label_replace(x{team="b"}, "team", "a", "", "")', []],
  [
    'label_replace(x, "team", "b", "", "")',
    ['{__name__="x", env="dev", region="eu", team="b"} 20', '{__name__="x", env="prod", region="eu", team="b"} 10'],
  ],
  ['absent(x{team="b"})', ['{} 1'], ['{team="b"} 1']],
  ['absent(x)', []],
  ['absent_over_time(x{team="b"}[5m])', ['{} 1'], ['{team="b"} 1']],
  ['absent_over_time(x{team=~"b"}[5m:1m])', ['{} 1']],
  ['count_values("v", x)', ['{v="20"} 1', '{v="10"} 1']],
  ['count_values("team", x{team!~"a"})', []],
  ['max_over_time(x[1h:5m])', ['{env="dev", region="eu", team="a"} 20', '{env="prod", region="eu", team="a"} 10']],
  ['max_over_time((x{team="b"} * 2)[1h:5m] offset 1m)', []],
  ['x @ 100', [`${X_A_DEV} 2`, `${X_A_PROD} 1`]],
  ['x offset 5m', [`${X_A_DEV} 10`, `${X_A_PROD} 5`]],
  [
    'sum_over_time(x[2m] offset 5m @ 600)',
    ['{env="dev", region="eu", team="a"} 18', '{env="prod", region="eu", team="a"} 9'],
  ],
  ['sum without(team)(x)', ['{env="dev", region="eu"} 20', '{env="prod", region="eu"} 10']],
  ['sum(x)', ['{} 30']],
  ['sum(rate(x[5m])) * 60', ['{} 3']],
  ['topk(1, x)', [`${X_A_DEV} 20`]],
  ['topk(scalar(count(y)), x)', [`${X_A_DEV} 20`]],
  ['bottomk(1, x{team="b"} or x{team="A"})', []],
  ['scalar(x{env="prod"})', 10],
  ['scalar(x{team="b", env="stage"})', NaN],
  ['vector(1)', ['{} 1']],
  ['time()', 600],
  ['info(x)', 'error: function "info" is not supported by vigil\'s engine'],
  ['((x{team="b"}))', []],
  ['-(x)', ['{env="dev", region="eu", team="a"} -20', '{env="prod", region="eu", team="a"} -10']],
  ['-x{team="b"}', []],
  ['{__name__="x", team="a"} + on(team) group_left x{team="b"}', []],
  ['{__name__="x", team="a"} + on(env) group_left x{team="b"}', []],
  ['x + on(team) group_left y', ['{env="dev", region="eu", team="a"} 50', '{env="prod", region="eu", team="a"} 40']],
  ['histogram_quantile(0.5, h_bucket)', ['{team="a"} 0.75']],
  ['histogram_quantile(0.5, sum by (le) (rate(h_bucket[5m])))', ['{} 0.75']],
  ['histogram_quantile(0.5, h_bucket{team="b"})', []],
  ['histogram_count(hn)', ['{team="a"} 4']],
  ['histogram_sum(sum(hn))', ['{} 2']],
  ['histogram_count(hn{team=~"b|A"})', []],
];

const X_PROD_EU_A = '{__name__="x", env="prod", region="eu", team="a"}';
const X_PROD_EU = '{__name__="x", env="prod", region="eu"}';
const X_STAGE_EU_B = '{__name__="x", env="stage", region="eu", team="b"}';
const ALL_X_PROD_EU = [`${X_PROD_EU} 1000`, `${X_PROD_EU_A} 10`, `${X_STAGE_EU_B} 100`];

const PROD_EU_ATTACKS: readonly Attack[] = [
  ['x', ALL_X_PROD_EU],
  ['x{env="dev"}', []],
  ['x{region!="eu"}', []],
  ['x{region="us"} or x{env="dev"}', []],
  ['x{env=~".*"}', ALL_X_PROD_EU],
  ['x{env=~"prod|stage|dev", region=~"eu|us"}', ALL_X_PROD_EU],
  ['x{region=~"(?i)EU"}', ALL_X_PROD_EU],
  ['x{env=~"prod.*"}', [`${X_PROD_EU} 1000`, `${X_PROD_EU_A} 10`]],
  [
    '{__name__=~".+", le=""}',
    [
      ...ALL_X_PROD_EU.slice(0, 2),
      ALL_X_PROD_EU[2] as string,
      '{__name__="y", env="prod", region="eu", team="b"} 300',
      '{__name__="y", env="stage", region="eu", team="a"} 30',
    ],
  ],
  ['sum(x)', ['{} 1110']],
  ['sum by (env) (x)', ['{env="prod"} 1010', '{env="stage"} 100']],
  ['absent(x{env="dev"})', ['{region="eu"} 1'], ['{env="dev"} 1']],
  ['count(y)', ['{} 2']],
  ['x unless on(region) y{env="dev"}', ALL_X_PROD_EU],
  [
    'label_replace(x, "env", "dev", "", "")',
    ALL_X_PROD_EU.map((line) => line.replace(/env="(prod|stage)"/, 'env="dev"')),
  ],
  ['topk(1, x)', [`${X_PROD_EU} 1000`]],
  ['scalar(sum(x{region="us"}))', NaN],
];

/** The attacks whose result needs no other team's series: data-free, refused, or the same with any data. */
const SAME_UNSCOPED: ReadonlySet<string> = new Set([
  '{team=~".*"}',
  'absent(x)',
  'vector(1)',
  'time()',
  'info(x)',
  '{__name__="x", team="a"} + on(team) group_left x{team="b"}',
  'count(y)',
]);

const MODES: readonly (readonly [string, (scope: readonly LabelMatcher[]) => EngineOptions, boolean])[] = [
  ['the AST rewrite', (scope) => ({ rewrite: (e: Expr) => enforceScope(e, scope) }), false],
  ['the scoped store', () => ({}), true],
  ['both', (scope) => ({ rewrite: (e: Expr) => enforceScope(e, scope) }), true],
];

for (const [scopeName, scope, attacks] of [
  ['{team="a"}', TEAM_A, TEAM_A_ATTACKS],
  ['{env=~"prod|stage", region="eu"}', PROD_EU, PROD_EU_ATTACKS],
] as const) {
  describe(`a team scoped to ${scopeName}, the store also holding other teams' series`, () => {
    it("without the scope sees other teams' series in every other attack (the data exposes each leak)", async () => {
      const store = teamStore();
      const differing: string[] = [];
      for (const [query, expected] of attacks) {
        if (JSON.stringify(await instant(store, {}, query)) !== JSON.stringify(expected)) differing.push(query);
      }
      assert.deepEqual(
        differing,
        attacks.map(([query]) => query).filter((query) => !SAME_UNSCOPED.has(query)),
      );
    });

    for (const [mode, options, scopedStore] of MODES) {
      it(`sees only its own series through ${mode}, whatever the query`, async () => {
        const store = teamStore();
        const storage = scopedStore ? scopedStorage(store, scope) : store;
        const actual: Record<string, Plain> = {};
        const wanted: Record<string, Plain> = {};
        for (const [query, expected, storeOnly] of attacks) {
          actual[query] = await instant(storage, options(scope), query);
          wanted[query] = mode === 'the scoped store' && storeOnly !== undefined ? storeOnly : expected;
        }
        assert.deepEqual(actual, wanted);
      });
    }
  });
}

describe('enforceScope', () => {
  it('confines a range query too', async () => {
    const engine = new Engine(teamStore(), { rewrite: (e: Expr) => enforceScope(e, TEAM_A) });
    const result = await engine.rangeQuery('sum(x)', 5 * MINUTE, T, 5 * MINUTE);
    assert.deepEqual(result.value, {
      resultType: 'matrix',
      result: [{ labels: [], timestamps: [5 * MINUTE, T], values: [15, 30] }],
    });
  });

  it('adds the scope to every selector, keeping the name matcher last, so the query prints and parses back', () => {
    const query =
      'rate(x{team="b"}[5m] offset 1h) + on(team) group_left topk(scalar(y), sum by (team) ({__name__="z"} @ 100))' +
      ' or -max_over_time((x > 1)[10m:1m]) or label_replace(absent(x), "a", "b", "c", "d")';
    const scoped = enforceScope(parse(query), PROD_EU);
    assert.equal(
      print(scoped),
      'rate(x{team="b",env=~"prod|stage",region="eu"}[5m] offset 1h) + on (team) group_left () topk(scalar(' +
        'y{env=~"prod|stage",region="eu"}), sum by (team) ({__name__="z",env=~"prod|stage",region="eu"} @ 100.000))' +
        ' or -max_over_time((x{env=~"prod|stage",region="eu"} > 1)[10m:1m]) or label_replace(absent(' +
        'x{env=~"prod|stage",region="eu"}), "a", "b", "c", "d")',
    );
    assert.deepEqual(parse(print(scoped)), parse(print(scoped)));
    assert.equal(print(parse(print(scoped))), print(scoped));
  });

  it('is pure: the input tree is unchanged and the positions of every node are kept', () => {
    const query = 'sum by (team) (rate(x{team="b"}[5m])) / on() group_left count(y @ 100 offset 1m)';
    const expr = parse(query);
    const before = structuredClone(expr);
    const scoped = enforceScope(expr, TEAM_A);
    assert.deepEqual(expr, before);
    assert.notEqual(scoped, expr);
    const positions = (e: Expr): [string, number, number][] => {
      const own: [string, number, number][] = [[e.kind, e.pos.start, e.pos.end]];
      switch (e.kind) {
        case 'MatrixSelector':
          return [...own, ...positions(e.selector)];
        case 'SubqueryExpr':
        case 'ParenExpr':
        case 'UnaryExpr':
          return [...own, ...positions(e.expr)];
        case 'BinaryExpr':
          return [...own, ...positions(e.lhs), ...positions(e.rhs)];
        case 'AggregateExpr':
          return [...own, ...(e.param ? positions(e.param) : []), ...positions(e.expr)];
        case 'Call':
          return [...own, ...e.args.flatMap(positions)];
        default:
          return own;
      }
    };
    assert.deepEqual(positions(scoped), positions(expr));
    assert.deepEqual(
      positions(scoped).map(([kind, start, end]) => [kind, query.slice(start, end)]),
      positions(expr).map(([kind, start, end]) => [kind, query.slice(start, end)]),
    );
  });

  it('with an empty scope gives an equal tree', () => {
    const expr = parse('sum(rate(x{team="b"}[5m])) + scalar(y)');
    assert.deepEqual(enforceScope(expr, []), expr);
  });

  it('refuses a node it does not know rather than leave its selectors unscoped', () => {
    const bogus = { kind: 'FillExpr', pos: { start: 0, end: 1 } } as unknown as Expr;
    assert.throws(() => enforceScope(bogus, TEAM_A), {
      name: 'Error',
      message: 'enforceScope: unknown expression node "FillExpr"',
    });
  });
});

describe('enforceMatcherSets', () => {
  const byName: LabelMatcher = { type: '=', name: '__name__', value: 'x' };
  const teamB: LabelMatcher = { type: '=', name: 'team', value: 'b' };

  it("adds the scope to each match[] selector's matchers", () => {
    assert.deepEqual(enforceMatcherSets([[byName], [teamB], []], PROD_EU), [
      [byName, ...PROD_EU],
      [teamB, ...PROD_EU],
      [...PROD_EU],
    ]);
  });

  it('without match[] gives the scope as the only set, so a lookup with no selector stays in scope', () => {
    assert.deepEqual(enforceMatcherSets([], TEAM_A), [[...TEAM_A]]);
  });

  it('with an empty scope leaves the sets as they are, none included', () => {
    assert.deepEqual(enforceMatcherSets([[byName]], []), [[byName]]);
    assert.deepEqual(enforceMatcherSets([], []), []);
  });

  it('returns new arrays: the input sets are unchanged', () => {
    const sets = [[byName]];
    const result = enforceMatcherSets(sets, TEAM_A);
    assert.deepEqual(sets, [[byName]]);
    assert.notEqual(result[0], sets[0]);
  });
});
