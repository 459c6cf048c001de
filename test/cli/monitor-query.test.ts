import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { postV1, series } from '../../src/testing/metrics-fixtures.js';
import { jsonOf } from './cli-harness.js';
import { startMonitorWorld, type MonitorWorld } from './monitor-world.js';

/**
 * `vigil monitor query`, run as the built binary against a real server with metrics written over remote-write: a table
 * by default, Prometheus's JSON with --output json, range queries, and the refusals (bad PromQL, bad options).
 */

const T = Math.floor(Date.now() / 60_000) * 60_000 - 120_000;

describe('vigil monitor query', () => {
  let world: MonitorWorld;
  before(async () => {
    world = await startMonitorWorld({ webTeam: false, metrics: true });
    const { server } = world;
    const token = await world.admin.run(['monitor', 'token']);
    assert.equal(token.code, 0, token.stderr);
    const written = await postV1(server.app, token.stdout.trim(), {
      timeseries: [
        series({ __name__: 'cli_up', job: 'api' }, [
          [T, 1],
          [T + 60_000, 1],
        ]),
        series({ __name__: 'cli_up', job: 'db' }, [
          [T, 0],
          [T + 60_000, 0],
        ]),
      ],
    });
    assert.equal(written.statusCode, 204, written.body);
  });
  after(async () => {
    await world.close();
  });

  it('prints an instant query as a table: series, value, time', async () => {
    const result = await world.admin.run(['monitor', 'query', 'cli_up', '--time', String((T + 60_000) / 1000)]);
    assert.equal(result.code, 0, result.stderr);
    const at = new Date(T + 60_000).toISOString();
    assert.deepEqual(result.stdout.trimEnd().split('\n'), [
      'Series                                   Value   Time',
      `cli_up{job="api", remote_write="true"}   1       ${at}`,
      `cli_up{job="db", remote_write="true"}    0       ${at}`,
    ]);
  });

  it('--output json prints Prometheus’s answer; --range gives every point', async () => {
    const json = jsonOf<{ status: string; data: { resultType: string; result: unknown[] } }>(
      await world.admin.run([
        'monitor',
        'query',
        'sum(cli_up)',
        '--time',
        String((T + 60_000) / 1000),
        '--output',
        'json',
      ]),
    );
    assert.deepEqual(json, {
      status: 'success',
      data: { resultType: 'vector', result: [{ metric: {}, value: [(T + 60_000) / 1000, '1'] }] },
    });
    const range = await world.admin.run([
      'monitor',
      'query',
      'count(cli_up)',
      '--time',
      String((T + 60_000) / 1000),
      '--range',
      '1m',
      '--step',
      '30s',
    ]);
    assert.equal(range.code, 0, range.stderr);
    assert.deepEqual(range.stdout.trimEnd().split('\n').slice(1), [
      `{}       2       ${new Date(T).toISOString()}`,
      `{}       2       ${new Date(T + 30_000).toISOString()}`,
      `{}       2       ${new Date(T + 60_000).toISOString()}`,
    ]);
  });

  it('refuses bad PromQL with the server’s message, and bad options as usage errors', async () => {
    const bad = await world.admin.run(['monitor', 'query', 'sum(']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /invalid parameter "query": 1:5: parse error: unclosed left parenthesis/);
    const badRange = await world.admin.run(['monitor', 'query', 'up', '--range', 'soon']);
    assert.equal(badRange.code, 2);
    assert.match(badRange.stderr, /--range must be a duration such as 30s, 5m or 1h, not 'soon'/);
    const stepAlone = await world.admin.run(['monitor', 'query', 'up', '--step', '1m']);
    assert.equal(stepAlone.code, 2);
    assert.match(stepAlone.stderr, /--step goes with --range/);
  });
});
