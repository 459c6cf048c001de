import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from '../../promql/index.js';
import { parseQueryTree } from './parse-query.js';
import { successBody } from './result-json.js';

function tree(query: string): unknown {
  return parseQueryTree(parse(query));
}

const UP = {
  anchored: false,
  matchers: [{ name: '__name__', type: '=', value: 'up' }],
  name: 'up',
  offset: 0,
  offsetExpr: null,
  smoothed: false,
  startOrEnd: null,
  timestamp: null,
  type: 'vectorSelector',
};

describe('parseQueryTree', () => {
  it('writes the body of /api/v1/parse_query with keys sorted as Go sorts map keys', () => {
    assert.equal(
      successBody(tree('sum by (job) (rate(http_requests_total{code=~"5.."}[5m] offset 1m))')),
      '{"status":"success","data":{"expr":{"args":[{"anchored":false,"matchers":[{"name":"code","type":"=~","value":"5.."},{"name":"__name__","type":"=","value":"http_requests_total"}],"name":"http_requests_total","offset":60000,"offsetExpr":null,"range":300000,"rangeExpr":null,"smoothed":false,"startOrEnd":null,"timestamp":null,"type":"matrixSelector"}],"func":{"argTypes":["matrix"],"name":"rate","returnType":"vector","variadic":0},"type":"call"},"grouping":["job"],"op":"sum","param":null,"type":"aggregation","without":false}}',
    );
  });

  it('writes selectors with their matchers in order, the name last, and @ as a timestamp or start/end', () => {
    assert.deepEqual(tree('up'), UP);
    assert.deepEqual(tree('{__name__="up", job!="x"} @ 100.5 offset -5m'), {
      ...UP,
      matchers: [
        { name: '__name__', type: '=', value: 'up' },
        { name: 'job', type: '!=', value: 'x' },
      ],
      name: '',
      offset: -300_000,
      timestamp: 100_500,
    });
    assert.deepEqual(tree('up @ end()'), { ...UP, startOrEnd: 'end' });
  });

  it('writes subqueries with their step (0 when left out)', () => {
    assert.deepEqual(tree('up[1h:5m] @ start() offset 1m'), {
      expr: UP,
      offset: 60_000,
      offsetExpr: null,
      range: 3_600_000,
      rangeExpr: null,
      startOrEnd: 'start',
      step: 300_000,
      stepExpr: null,
      timestamp: null,
      type: 'subquery',
    });
    assert.equal((tree('up[1h:]') as { step: number }).step, 0);
  });

  it('writes vector matching between two vectors only', () => {
    assert.deepEqual(tree('up / on (job) group_left (team) up'), {
      bool: false,
      lhs: UP,
      matching: {
        card: 'many-to-one',
        fillValues: { lhs: null, rhs: null },
        include: ['team'],
        labels: ['job'],
        on: true,
      },
      op: '/',
      rhs: UP,
      type: 'binaryExpr',
    });
    assert.deepEqual((tree('up and ignoring (a) up') as { matching: unknown }).matching, {
      card: 'many-to-many',
      fillValues: { lhs: null, rhs: null },
      include: [],
      labels: ['a'],
      on: false,
    });
    assert.deepEqual((tree('up > bool up') as { matching: unknown; bool: boolean }).bool, true);
    assert.equal((tree('up * 2') as { matching: unknown }).matching, null);
    assert.equal((tree('1 + 2') as { matching: unknown }).matching, null);
  });

  it('writes aggregations with their parameter and grouping', () => {
    assert.deepEqual(tree('topk without (a) (3, up)'), {
      expr: UP,
      grouping: ['a'],
      op: 'topk',
      param: { type: 'numberLiteral', val: '3' },
      type: 'aggregation',
      without: true,
    });
    assert.deepEqual((tree('count_values("v", up)') as { param: unknown }).param, { type: 'stringLiteral', val: 'v' });
  });

  it('writes calls with the function signature', () => {
    assert.deepEqual(tree('time()'), {
      args: [],
      func: { argTypes: [], name: 'time', returnType: 'scalar', variadic: 0 },
      type: 'call',
    });
    assert.deepEqual((tree('label_join(up, "a", ",", "b", "c")') as { func: unknown }).func, {
      argTypes: ['vector', 'string', 'string', 'string'],
      name: 'label_join',
      returnType: 'vector',
      variadic: -1,
    });
  });

  it('writes literals, parentheses and signs', () => {
    assert.deepEqual(tree('-1'), { type: 'numberLiteral', val: '-1' });
    assert.deepEqual(tree('1e21'), { type: 'numberLiteral', val: '1000000000000000000000' });
    assert.deepEqual(tree('1e-7'), { type: 'numberLiteral', val: '0.0000001' });
    assert.deepEqual(tree('Inf'), { type: 'numberLiteral', val: '+Inf' });
    assert.deepEqual(tree('NaN'), { type: 'numberLiteral', val: 'NaN' });
    assert.deepEqual(tree('5m'), { type: 'numberLiteral', val: '300' });
    assert.deepEqual(tree('"a\\nb"'), { type: 'stringLiteral', val: 'a\nb' });
    assert.deepEqual(tree('-(up)'), { expr: { expr: UP, type: 'parenExpr' }, op: '-', type: 'unaryExpr' });
  });
});
