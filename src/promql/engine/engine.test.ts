import assert from 'node:assert/strict';
import { ManualClock } from '../../platform/clock.js';
import { describe, it } from 'node:test';
import type { Expr } from '../ast.js';
import { Engine, type EngineOptions } from './engine.js';
import { labelsFrom, type Labels } from './core/labels.js';
import { EvaluationError, type QueryValue } from './result.js';
import { MemoryStorage } from '../testing/memory-storage.js';
import type { Querier, QuerierOptions, Storage, TimeRange } from './storage.js';

const MINUTE = 60_000;

interface Fixture {
  readonly labels: Readonly<Record<string, string>>;
  /** [time ms, value] pairs; value `'stale'` is a staleness marker. */
  readonly samples: readonly (readonly [number, number | 'stale'])[];
}

/**
 * A store over fixed series (the in-memory one) that counts its queriers and selects, and runs a hook while a select is
 * under way (a test advances its clock or cancels the query there).
 */
class FixedStorage implements Storage {
  selects = 0;
  readonly ranges: TimeRange[] = [];
  closed = 0;
  private readonly memory = new MemoryStorage();

  constructor(
    fixtures: readonly Fixture[],
    private readonly duringSelect: () => void = () => undefined,
  ) {
    for (const f of fixtures) {
      this.memory.appendSamples(
        labelsFrom(f.labels),
        f.samples.map(([t]) => t),
        f.samples.map(([, v]) => (v === 'stale' ? Number.NaN : v)),
        f.samples.map(([, v]) => (v === 'stale' ? 1 : 0)),
      );
    }
  }

  async querier(range: TimeRange, options?: QuerierOptions): Promise<Querier> {
    this.ranges.push(range);
    const inner = await this.memory.querier(range, options);
    return {
      select: async (matchers, selectRange, hints) => {
        this.selects++;
        this.duringSelect();
        await Promise.resolve();
        return inner.select(matchers, selectRange, hints);
      },
      labelNames: (matchers, limit) => inner.labelNames(matchers, limit),
      labelValues: (name, matchers, limit) => inner.labelValues(name, matchers, limit),
      series: (matchers, limit) => inner.series(matchers, limit),
      close: () => {
        this.closed++;
        return inner.close();
      },
    };
  }
}

function every(stepMs: number, values: readonly number[]): [number, number][] {
  return values.map((v, i) => [i * stepMs, v]);
}

function engineOf(fixtures: readonly Fixture[], options: EngineOptions = {}, duringSelect?: () => void) {
  const storage = new FixedStorage(fixtures, duringSelect);
  return { storage, engine: new Engine(storage, options) };
}

function labelText(labels: Labels): string {
  return `{${labels.map((l) => `${l.name}="${l.value}"`).join(', ')}}`;
}

/** A result as comparable plain data: `{labels} v` lines, or `{labels} t=v …` for matrices. */
function plain(value: QueryValue): string[] | number | string {
  switch (value.resultType) {
    case 'scalar':
      return value.result.v;
    case 'string':
      return value.result.v;
    case 'vector':
      return value.result.map((s) => `${labelText(s.labels)} ${s.v}`);
    case 'matrix':
      return value.result.map(
        (s) => `${labelText(s.labels)} ${s.timestamps.map((t, i) => `${t / 1000}s=${s.values[i]}`).join(' ')}`,
      );
  }
}

async function rejection(promise: Promise<unknown>): Promise<EvaluationError> {
  const error = await promise.then(
    () => assert.fail('expected the query to fail'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof EvaluationError, `expected an EvaluationError, got ${String(error)}`);
  return error;
}

const requests: Fixture[] = [
  { labels: { __name__: 'requests_total', job: 'api' }, samples: every(MINUTE, [0, 60, 120, 180, 240, 300]) },
  { labels: { __name__: 'requests_total', job: 'web' }, samples: every(MINUTE, [0, 120, 240, 360, 480, 600]) },
];

describe('PromQL engine', () => {
  it('an instant selector looks back 5 minutes, left-open, and a staleness marker ends the series', async () => {
    const { engine } = engineOf([
      { labels: { __name__: 'm', s: 'old' }, samples: [[0, 1]] },
      {
        labels: { __name__: 'm', s: 'stale' },
        samples: [
          [0, 2],
          [MINUTE, 'stale'],
          [3 * MINUTE, 3],
        ],
      },
    ]);
    assert.deepEqual(plain((await engine.instantQuery('m', 5 * MINUTE - 1)).value), [
      '{__name__="m", s="old"} 1',
      '{__name__="m", s="stale"} 3',
    ]);
    assert.deepEqual(plain((await engine.instantQuery('m', 5 * MINUTE)).value), ['{__name__="m", s="stale"} 3']);
    assert.deepEqual(plain((await engine.instantQuery('m', 2 * MINUTE)).value), ['{__name__="m", s="old"} 1']);
  });

  it('a range query gives every step in one pass, sorted by labels, each step equal to the instant query', async () => {
    const { engine } = engineOf(requests);
    const range = await engine.rangeQuery('sum by (job) (rate(requests_total[2m]))', 2 * MINUTE, 5 * MINUTE, MINUTE);
    assert.deepEqual(plain(range.value), [
      '{job="api"} 120s=1 180s=1 240s=1 300s=1',
      '{job="web"} 120s=2 180s=2 240s=2 300s=2',
    ]);
    const instant = await engine.instantQuery('sum by (job) (rate(requests_total[2m]))', 4 * MINUTE);
    assert.deepEqual(plain(instant.value), ['{job="api"} 1', '{job="web"} 2']);
  });

  it('reads through one querier per query, over the times the query can reach, closed even when it fails', async () => {
    const { engine, storage } = engineOf(requests);
    await engine.rangeQuery('rate(requests_total[2m] offset 1m) + requests_total', 10 * MINUTE, 20 * MINUTE, MINUTE);
    // rate's window reaches back 2m from 9m (7m), the instant selector its 5m lookback from 10m (5m).
    assert.deepEqual(storage.ranges, [{ start: 5 * MINUTE, end: 20 * MINUTE }]);
    assert.equal(storage.closed, 1);
    await engine.instantQuery('max_over_time(requests_total[1h:5m] @ 3600)', 0);
    assert.deepEqual(storage.ranges[1], { start: -5 * MINUTE, end: 3600_000 });
    assert.equal(storage.closed, 2);
    const tooMany = engineOf(requests, { maxSamples: 1 });
    await assert.rejects(tooMany.engine.instantQuery('requests_total', 0), /too many samples/);
    assert.deepEqual([tooMany.storage.ranges.length, tooMany.storage.closed], [1, 1]);
  });

  it('stops a query that would load more than maxLoadedSamples, at the store, before evaluating it', async () => {
    const { engine } = engineOf(requests, { maxLoadedSamples: 11 });
    const error = await rejection(engine.instantQuery('sum_over_time(requests_total[1h])', 10 * MINUTE));
    assert.deepEqual(
      [error.kind, error.message],
      ['too_many_samples', 'query processing would load too many samples into memory in query execution'],
    );
    const enough = engineOf(requests, { maxLoadedSamples: 12 });
    assert.equal(
      (await enough.engine.instantQuery('sum_over_time(requests_total[1h])', 10 * MINUTE)).value.resultType,
      'vector',
    );
  });

  it('evaluates a subtree with @ once for all the steps', async () => {
    const { engine, storage } = engineOf(requests);
    const result = await engine.rangeQuery('requests_total{job="api"} @ 120', 0, 5 * MINUTE, MINUTE);
    assert.deepEqual(plain(result.value), [
      '{__name__="requests_total", job="api"} 0s=120 60s=120 120s=120 180s=120 240s=120 300s=120',
    ]);
    assert.equal(storage.selects, 1);
  });

  it('drops the name of computed series only at the end, and refuses two series that end up alike', async () => {
    const { engine } = engineOf([
      { labels: { __name__: 'a_total', x: '1' }, samples: every(MINUTE, [0, 60, 120]) },
      { labels: { __name__: 'b_total', x: '1' }, samples: every(MINUTE, [0, 60, 120]) },
    ]);
    const error = await rejection(
      engine.instantQuery('rate(a_total[5m]) or on(__name__) rate(b_total[5m])', 2 * MINUTE),
    );
    assert.equal(error.message, 'vector cannot contain metrics with the same labelset');
    assert.deepEqual(plain((await engine.instantQuery('last_over_time({x="1"}[5m]) > 0', 2 * MINUTE)).value), [
      '{__name__="a_total", x="1"} 120',
      '{__name__="b_total", x="1"} 120',
    ]);
  });

  it('topk and bottomk keep the series Prometheus keeps among equal values (its heap of k, checked live on 2.42)', async () => {
    const m = (values: Record<string, number>): Fixture[] =>
      Object.entries(values).map(([i, v]) => ({ labels: { __name__: 'm', i }, samples: [[0, v]] }));
    const bottom = engineOf(m({ a: 1, b: 1, c: 0, d: 1 })).engine;
    assert.deepEqual(plain((await bottom.instantQuery('bottomk(2, m)', 0)).value), [
      '{__name__="m", i="c"} 0',
      '{__name__="m", i="b"} 1',
    ]);
    const top = engineOf(m({ a: 1, b: 1, c: 1, d: 2 })).engine;
    assert.deepEqual(plain((await top.instantQuery('topk(2, m)', 0)).value), [
      '{__name__="m", i="d"} 2',
      '{__name__="m", i="b"} 1',
    ]);
  });

  it('reports many-to-many matching with the duplicate series', async () => {
    const { engine } = engineOf([
      { labels: { __name__: 'lhs', k: 'a' }, samples: [[0, 1]] },
      { labels: { __name__: 'rhs', k: 'a', v: '1' }, samples: [[0, 1]] },
      { labels: { __name__: 'rhs', k: 'a', v: '2' }, samples: [[0, 1]] },
    ]);
    const error = await rejection(engine.instantQuery('lhs + on(k) rhs', 0));
    assert.equal(
      error.message,
      'found duplicate series for the match group {k="a"} on the right hand-side of the operation: ' +
        '[{__name__="rhs", k="a", v="1"}, {__name__="rhs", k="a", v="2"}];many-to-many matching not allowed: ' +
        'matching labels must be unique on one side',
    );
  });

  it('stops a query that would hold more samples than allowed', async () => {
    const { engine } = engineOf(requests, { maxSamples: 10 });
    const error = await rejection(engine.rangeQuery('requests_total', 0, 5 * MINUTE, MINUTE));
    assert.equal(error.kind, 'too_many_samples');
    assert.equal(error.message, 'query processing would load too many samples into memory in query execution');
    assert.deepEqual(
      plain((await engine.instantQuery('requests_total', 0)).value),
      ['{__name__="requests_total", job="api"} 0', '{__name__="requests_total", job="web"} 0'],
      'a small query still runs',
    );
  });

  it('stops at the deadline and when cancelled', async () => {
    // The engine's clock is the test's: reading the store takes 30 ms of it, past a 5 ms timeout.
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const slow = engineOf(requests, { timeout: 5, now: () => clock.now() }, () => clock.advance(30));
    const timeout = await rejection(slow.engine.instantQuery('requests_total', 0));
    assert.equal(timeout.kind, 'timeout');
    assert.equal(timeout.message, 'query timed out in expression evaluation');
    const onTime = engineOf(requests, { timeout: 30, now: () => clock.now() }, () => clock.advance(30));
    assert.equal((await onTime.engine.instantQuery('requests_total', 0)).value.resultType, 'vector');

    const controller = new AbortController();
    const { engine } = engineOf(requests, {}, () => controller.abort());
    const query = engine.instantQuery('sum(requests_total)', 0, controller.signal);
    const canceled = await rejection(query);
    assert.equal(canceled.kind, 'canceled');
    assert.equal(canceled.message, 'query was canceled in expression evaluation');
  });

  it('refuses range queries that cannot be answered', async () => {
    const { engine } = engineOf(requests);
    assert.equal(
      (await rejection(engine.rangeQuery('requests_total[5m]', 0, MINUTE, MINUTE))).message,
      'invalid expression type "range vector" for range query, must be Scalar or instant Vector',
    );
    assert.equal(
      (await rejection(engine.rangeQuery('requests_total', 0, MINUTE, 0))).message,
      'zero or negative query resolution step widths are not accepted. Try a positive integer',
    );
    assert.equal(
      (await rejection(engine.rangeQuery('requests_total', MINUTE, 0, MINUTE))).message,
      'end timestamp must not be before start time',
    );
  });

  it('applies the rewrite option to the parsed query before checking its type and the times it reaches', async () => {
    const seen: Expr['kind'][] = [];
    // Adds job="api" to every top-level selector and moves it 10 minutes back; a range selector becomes instant.
    const rewrite = (expr: Expr): Expr => {
      seen.push(expr.kind);
      const selector = expr.kind === 'MatrixSelector' ? expr.selector : expr;
      if (selector.kind !== 'VectorSelector') return expr;
      const matchers = [{ type: '=', name: 'job', value: 'api' } as const, ...selector.matchers];
      return { ...selector, matchers, offset: 10 * MINUTE };
    };
    const { engine, storage } = engineOf(requests, { rewrite });
    const range = await engine.rangeQuery('requests_total[5m]', 12 * MINUTE, 13 * MINUTE, MINUTE);
    assert.deepEqual(plain(range.value), ['{__name__="requests_total", job="api"} 720s=120 780s=180']);
    assert.deepEqual(storage.ranges, [{ start: -3 * MINUTE, end: 3 * MINUTE }]);
    assert.deepEqual(seen, ['MatrixSelector']);
    await assert.rejects(engine.instantQuery('sum(', 0), /unclosed left parenthesis/);
    assert.deepEqual(seen, ['MatrixSelector'], 'a query that does not parse is never rewritten');
  });

  it('keeps the annotations’ positions in the query text after a rewrite that keeps the nodes’ positions', async () => {
    const fixtures = [{ labels: { __name__: 'temperature', room: 'a' }, samples: every(MINUTE, [1, 2, 3]) }];
    const addRoom = (expr: Expr): Expr =>
      expr.kind === 'Call' && expr.args[0]?.kind === 'MatrixSelector'
        ? {
            ...expr,
            args: [
              {
                ...expr.args[0],
                selector: {
                  ...expr.args[0].selector,
                  matchers: [{ type: '=', name: 'room', value: 'a' }, ...expr.args[0].selector.matchers],
                },
              },
            ],
          }
        : expr;
    const { engine } = engineOf(fixtures, { rewrite: addRoom });
    const rate = await engine.instantQuery('  rate(temperature[5m])', 2 * MINUTE);
    assert.deepEqual(plain(rate.value), ['{room="a"} 0.008333333333333333']);
    assert.deepEqual(rate.infos, [
      'PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "temperature" (1:8)',
    ]);
  });

  it('gives Prometheus’s annotations with their positions', async () => {
    const { engine } = engineOf([{ labels: { __name__: 'temperature' }, samples: every(MINUTE, [1, 2, 3]) }]);
    const rate = await engine.instantQuery('rate(temperature[5m])', 2 * MINUTE);
    assert.deepEqual(rate.infos, [
      'PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "temperature" (1:6)',
    ]);
    const quantile = await engine.instantQuery('quantile(1.5, temperature)', 2 * MINUTE);
    assert.deepEqual(quantile.warnings, ['PromQL warning: quantile value should be between 0 and 1, got 1.5 (1:10)']);
    assert.deepEqual(plain(quantile.value), ['{} Infinity']);
    const sorted = await engine.rangeQuery('sort(temperature)', 0, MINUTE, MINUTE);
    assert.deepEqual(sorted.warnings, [
      'PromQL warning: sort is ineffective for range queries since results are always ordered by labels (1:1)',
    ]);
  });
});
