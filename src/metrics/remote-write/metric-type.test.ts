import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { familyName, metricType } from './metric-type.js';

describe('metricType', () => {
  it('names the enum values of both versions, and unknown ones unknown', () => {
    assert.deepStrictEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 4294967295].map(metricType), [
      'unknown',
      'counter',
      'gauge',
      'histogram',
      'gaugehistogram',
      'summary',
      'info',
      'stateset',
      'unknown',
      'unknown',
    ]);
  });
});

describe('familyName', () => {
  const cases: [string, Parameters<typeof familyName>[1], string][] = [
    ['latency_bucket', 'histogram', 'latency'],
    ['latency_count', 'histogram', 'latency'],
    ['latency_sum', 'histogram', 'latency'],
    ['latency', 'histogram', 'latency'],
    ['queue_gcount', 'gaugehistogram', 'queue'],
    ['queue_gsum', 'gaugehistogram', 'queue'],
    ['queue_bucket', 'gaugehistogram', 'queue'],
    ['rpc_count', 'summary', 'rpc'],
    ['rpc_sum', 'summary', 'rpc'],
    ['rpc_bucket', 'summary', 'rpc_bucket'],
    ['requests_total', 'counter', 'requests_total'],
    ['size_sum', 'gauge', 'size_sum'],
    ['_sum', 'histogram', '_sum'],
  ];
  for (const [name, type, family] of cases) {
    it(`${name} (${type}) belongs to ${family}`, () => assert.equal(familyName(name, type), family));
  }
});
