import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Engine, EvaluationError, parse } from '../../promql/index.js';
import { MemoryStorage } from '../../promql/testing/memory-storage.js';
import { errorBody, fromQueryError, PrometheusApiError, type PrometheusErrorType } from './errors.js';

function parseError(query: string): unknown {
  try {
    parse(query);
  } catch (error) {
    return error;
  }
  throw new Error(`${query} parsed`);
}

describe('PrometheusApiError', () => {
  it("answers with Prometheus's status for each type", () => {
    const statuses: [PrometheusErrorType, number][] = [
      ['bad_data', 400],
      ['execution', 422],
      ['canceled', 499],
      ['timeout', 503],
      ['internal', 500],
      ['not_found', 404],
      ['not_acceptable', 406],
      ['unavailable', 500],
    ];
    for (const [type, status] of statuses) {
      const error = new PrometheusApiError(type, 'x');
      assert.equal(error.status, status, type);
      assert.equal(error.type, type);
      assert.equal(error.message, 'x');
      assert.ok(error instanceof Error);
    }
  });
});

describe('errorBody', () => {
  it('writes the error envelope with Prometheus escaping', () => {
    const error = new PrometheusApiError(
      'bad_data',
      'invalid parameter "query": 1:5: parse error: unclosed left parenthesis',
    );
    // Prometheus's answer to /api/v1/query?query=sum( , byte for byte.
    assert.equal(
      errorBody(error),
      '{"status":"error","errorType":"bad_data","error":"invalid parameter \\"query\\": 1:5: parse error: unclosed left parenthesis"}',
    );
    assert.equal(
      errorBody(new PrometheusApiError('execution', 'found duplicate series for the match group {a="<b>"}')),
      '{"status":"error","errorType":"execution","error":"found duplicate series for the match group {a=\\"\\u003cb\\u003e\\"}"}',
    );
  });
});

describe('fromQueryError', () => {
  it('makes a parse error bad_data about the parameter', () => {
    const error = fromQueryError(parseError('sum('), 'query');
    assert.ok(error);
    assert.equal(error.type, 'bad_data');
    assert.equal(error.status, 400);
    assert.equal(error.message, 'invalid parameter "query": 1:5: parse error: unclosed left parenthesis');
  });

  it('words an empty or unfinished query as Prometheus does', () => {
    assert.equal(
      fromQueryError(parseError(''), 'query')?.message,
      'invalid parameter "query": 1:1: parse error: no expression found in input',
    );
    assert.equal(
      fromQueryError(parseError('invalid_expression/'), 'query')?.message,
      'invalid parameter "query": 1:20: parse error: unexpected end of input',
    );
  });

  it('makes a type error bad_data too', () => {
    const error = fromQueryError(parseError('rate(up)'), 'query');
    assert.equal(error?.type, 'bad_data');
    assert.match(error?.message ?? '', /^invalid parameter "query": 1:6: parse error: /);
  });

  it('makes a range query over a range vector or a string bad_data, as Prometheus refuses it before running', async () => {
    const engine = new Engine(new MemoryStorage());
    const failure = await engine.rangeQuery('up[5m]', 0, 60_000, 15_000).then(
      () => assert.fail('range query over a matrix ran'),
      (error: unknown) => error,
    );
    const error = fromQueryError(failure, 'query');
    assert.equal(error?.type, 'bad_data');
    assert.equal(
      error?.message,
      'invalid parameter "query": invalid expression type "range vector" for range query, must be Scalar or instant Vector',
    );
    const text = await engine.rangeQuery('"a"', 0, 60_000, 15_000).catch((e: unknown) => e);
    assert.equal(
      fromQueryError(text, 'query')?.message,
      'invalid parameter "query": invalid expression type "string" for range query, must be Scalar or instant Vector',
    );
  });

  it('keeps the kind of an evaluation error: execution 422, timeout 503, canceled 499', () => {
    const cases: [EvaluationError, PrometheusErrorType, number][] = [
      [new EvaluationError('found duplicate series for the match group'), 'execution', 422],
      [new EvaluationError('query timed out in expression evaluation', 'timeout'), 'timeout', 503],
      [new EvaluationError('query was canceled in expression evaluation', 'canceled'), 'canceled', 499],
      [
        new EvaluationError(
          'query processing would load too many samples into memory in query execution',
          'too_many_samples',
        ),
        'execution',
        422,
      ],
    ];
    for (const [cause, type, status] of cases) {
      const error = fromQueryError(cause, 'query');
      assert.equal(error?.type, type);
      assert.equal(error?.status, status);
      assert.equal(error?.message, cause.message);
    }
  });

  it('passes an API error through and leaves anything else to the caller', () => {
    const own = new PrometheusApiError('bad_data', 'x');
    assert.equal(fromQueryError(own, 'query'), own);
    assert.equal(fromQueryError(new Error('disk on fire'), 'query'), null);
    assert.equal(fromQueryError('text', 'query'), null);
  });
});
