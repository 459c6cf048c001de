import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse, type VectorSelector } from '../../promql/index.js';
import { formatQuery } from './format-query.js';

function format(query: string): string {
  return formatQuery(parse(query));
}

// Expected texts are Prometheus's answers to /api/v1/format_query (captured from Prometheus 2.42, whose prettifier
// is that of 3.x; 2.42 printed `1e+12` where 3.x prints numbers in plain decimal).
describe('formatQuery', () => {
  it('prints a short query on one line, with spaces and sorted matchers', () => {
    assert.equal(format('foo+bar'), 'foo + bar');
    assert.equal(format('up{job="b",instance="a"}'), 'up{instance="a",job="b"}');
    assert.equal(format('sum by() (x)'), 'sum(x)');
    assert.equal(format('{"utf8.name",b="1",a!~"x"}'), '{__name__="utf8.name",a!~"x",b="1"}');
  });

  it('splits a long binary expression around its operator', () => {
    assert.equal(
      format(
        'sum by (job, instance) (rate(http_requests_total{job="api-server",handler="/api/v1/query"}[5m])) / on (job) group_left (team) max by (job, team) (team_info{cluster="production"})',
      ),
      '  sum by (job, instance) (rate(http_requests_total{handler="/api/v1/query",job="api-server"}[5m]))\n/ on (job) group_left (team)\n  max by (job, team) (team_info{cluster="production"})',
    );
  });

  it('splits calls and aggregations, one argument per line', () => {
    assert.equal(
      format(
        'histogram_quantile(0.99, sum by (le, job) (rate(http_request_duration_seconds_bucket{job="api-server", handler=~"/api/.*"}[5m])))',
      ),
      'histogram_quantile(\n  0.99,\n  sum by (le, job) (\n    rate(http_request_duration_seconds_bucket{handler=~"/api/.*",job="api-server"}[5m])\n  )\n)',
    );
    assert.equal(
      format(
        'topk(5, sum by (job, instance) (rate(http_requests_total{job="api-server",handler="/api/v1/query"}[5m])) unless ignoring (x) up)',
      ),
      'topk(\n  5,\n    sum by (job, instance) (rate(http_requests_total{handler="/api/v1/query",job="api-server"}[5m]))\n  unless ignoring (x)\n    up\n)',
    );
  });

  it('keeps a sign on its operand and numbers in plain decimal', () => {
    assert.equal(
      format(
        '-(sum by (job, instance) (rate(http_requests_total{job="api-server",handler="/api/v1/query"}[5m])) * 1000000000000)',
      ),
      '-(\n    sum by (job, instance) (rate(http_requests_total{handler="/api/v1/query",job="api-server"}[5m]))\n  *\n    1000000000000\n)',
    );
  });

  it('splits inside a subquery and keeps its suffix after the closing line', () => {
    assert.equal(
      format(
        'rate(http_requests_total{job="api-server",handler="/api/v1/query",code=~"5..",method="GET",instance="10.0.0.1:9090"}[5m:1m] offset 1h)',
      ),
      'rate(\n  http_requests_total{code=~"5..",handler="/api/v1/query",instance="10.0.0.1:9090",job="api-server",method="GET"}[5m:1m] offset 1h\n)',
    );
    assert.equal(
      format(
        'max_over_time((sum by (job, instance) (rate(http_requests_total{job="api-server",handler="/api/v1/query"}[5m])) > bool 3)[1h:5m] @ 100)',
      ),
      'max_over_time(\n  (\n      sum by (job, instance) (rate(http_requests_total{handler="/api/v1/query",job="api-server"}[5m]))\n    > bool\n      3\n  )[1h:5m] @ 100.000\n)',
    );
  });

  it('does not indent a subquery that fits on its line, as Prometheus does not', () => {
    const subquery = 'rate(a_very_long_metric_name_for_this_test_case{label_number_one="value one"}[5m])[10m:1m]';
    assert.equal(format(`max_over_time(${subquery})`), `max_over_time(\n${subquery}\n)`);
  });

  it('leaves out every matcher of the written name, wherever it is', () => {
    const selector: VectorSelector = {
      kind: 'VectorSelector',
      name: 'up',
      matchers: [
        { type: '=', name: '__name__', value: 'up' },
        { type: '=', name: 'job', value: 'b' },
        { type: '=', name: '__name__', value: 'up' },
      ],
      offset: 0,
      at: null,
      pos: { start: 0, end: 0 },
    };
    assert.equal(formatQuery(selector), 'up{job="b"}');
  });
});
