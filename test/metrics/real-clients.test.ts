import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { managerTokens, startVigil, type ManagerTokens, type VigilProcess } from '../multiprocess/vigil-process.js';
import {
  apiData,
  basicToBearerGateway,
  eventually,
  findBinary,
  freePort,
  run,
  sampleValue,
  scrape,
  startPeer,
  type Peer,
} from './peers.js';

/**
 * Real senders and clients against a real vigil (SQLite): Debian's Prometheus 2.42 scraping itself every second and
 * remote-writing to `/prometheus/remote/write` with a Monitor API token, vmagent 1.79 scraping vigil's own `/metrics`
 * and writing to `/api/v1/write`, each also with a wrong token; and promtool 2.42 querying what they sent. What vigil
 * answers is compared with what Prometheus answers about its own data.
 */

const PROMETHEUS = findBinary('prometheus');
const PROMTOOL = findBinary('promtool');
const VMAGENT = findBinary('vmagent');
const missing = Object.entries({ prometheus: PROMETHEUS, promtool: PROMTOOL, vmagent: VMAGENT })
  .filter(([, found]) => found === undefined)
  .map(([name]) => name);
// In CI (.ci/run installs them) a missing binary is a failure, as a missing Chromium is for the browser tests.
const skip =
  missing.length === 0 || process.env['CI'] === 'true'
    ? false
    : `not on PATH: ${missing.join(', ')} (apt-get install prometheus victoria-metrics)`;

type Labels = Record<string, string>;
interface Vector {
  resultType: 'vector';
  result: { metric: Labels; value: [number, string] }[];
}
interface Matrix {
  resultType: 'matrix';
  result: { metric: Labels; values: [number, string][] }[];
}

const WRONG_TOKEN = `vigil_mt_${randomBytes(24).toString('base64url')}`;
const UNAUTHORIZED_BODY = '{"errors":[{"reason":"Unauthorized","message":"Bad credentials"}]}';
const PROMTOOL_401 =
  'query error: client_error: client error: 401 (detail: {"status":"error","errorType":"unauthorized",' +
  '"error":"Bad credentials"})\n';

/** A metric's labels without the one vigil adds to every series it receives. */
function sent(metric: Labels): Labels {
  return Object.fromEntries(Object.entries(metric).filter(([name]) => name !== 'remote_write'));
}

/** Instant results keyed by their labels (without remote_write), for comparing two answers in any order. */
function byLabels(data: Vector): Map<string, [number, string]> {
  return new Map(data.result.map((r) => [JSON.stringify(sent(r.metric)), r.value]));
}

/** Prometheus's remote-write queue: small batches sent at once, one shard so that samples arrive in WAL order. */
function prometheusConfig(job: string, port: number, remoteWriteUrl: string, credentials: string): string {
  // JSON is YAML: no quoting to get wrong.
  return JSON.stringify({
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    scrape_configs: [{ job_name: job, static_configs: [{ targets: [`127.0.0.1:${port}`] }] }],
    remote_write: [
      {
        url: remoteWriteUrl,
        authorization: { credentials },
        queue_config: { batch_send_deadline: '200ms', max_shards: 1, min_backoff: '50ms', max_backoff: '500ms' },
      },
    ],
  });
}

describe('Real senders and clients against vigil’s metrics plane', { skip }, () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-real-clients-'));
  const dataDir = path.join(root, 'vigil');
  const admin = { email: 'admin@example.test', password: `pw-${randomBytes(12).toString('base64url')}` };
  const peers: Peer[] = [];
  let vigil: VigilProcess;
  let tokens: ManagerTokens;
  const ports = { prometheus: 0, wrongPrometheus: 0, vmagent: 0, wrongVmagent: 0 };
  let prometheusUrl = '';

  const vigilData = <T>(endpoint: string, params: Record<string, string>) =>
    apiData<T>(`${vigil.url}/prometheus/api/v1`, endpoint, params, tokens.key);
  const prometheusData = <T>(endpoint: string, params: Record<string, string>) =>
    apiData<T>(`${prometheusUrl}/api/v1`, endpoint, params);

  /**
   * A whole second up to which vigil holds everything `job` sent (its latest `up` is at or after it), with at least
   * seven seconds of samples before its latest: a range query over the four seconds before it finds a sample at every
   * step. (Prometheus 2.42 first scrapes about 5 s after it starts, once its target discovery settles.)
   */
  async function caughtUp(job: string): Promise<number> {
    await eventually(`eight samples of up{job="${job}"} in vigil`, async () => {
      const data = await vigilData<Vector>('query', { query: `count_over_time(up{job="${job}"}[1m])` });
      return Number(data.result[0]?.value[1] ?? 0) >= 8 ? true : undefined;
    });
    const at = Math.floor(Date.now() / 1000) - 1;
    await eventually(`vigil has ${job}’s samples up to ${at}`, async () => {
      const data = await vigilData<Vector>('query', { query: `timestamp(up{job="${job}"})` });
      return Number(data.result[0]?.value[1] ?? 0) >= at ? true : undefined;
    });
    return at;
  }

  before(async () => {
    fs.mkdirSync(dataDir);
    vigil = await startVigil({
      VIGIL_DATA_DIR: dataDir,
      VIGIL_ADMIN_EMAIL: admin.email,
      VIGIL_ADMIN_PASSWORD: admin.password,
    });
    tokens = await managerTokens(vigil, admin, { kind: 'sqlite', file: path.join(dataDir, 'vigil.db') });
    [ports.prometheus, ports.wrongPrometheus, ports.vmagent, ports.wrongVmagent] = await Promise.all(
      Array.from({ length: 4 }, () => freePort()),
    );
    prometheusUrl = `http://127.0.0.1:${ports.prometheus}`;
    const prometheus = (name: string, job: string, port: number, credentials: string) => {
      const dir = path.join(root, name);
      fs.mkdirSync(dir);
      const config = path.join(dir, 'prometheus.yml');
      fs.writeFileSync(config, prometheusConfig(job, port, `${vigil.url}/prometheus/remote/write`, credentials));
      const args = [
        `--config.file=${config}`,
        `--web.listen-address=127.0.0.1:${port}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
      ];
      return startPeer(name, PROMETHEUS ?? 'prometheus', args, `http://127.0.0.1:${port}/-/ready`);
    };
    const vmagent = (name: string, job: string, port: number, token: string) => {
      const dir = path.join(root, name);
      fs.mkdirSync(dir);
      const config = path.join(dir, 'scrape.yml');
      const target = new URL(vigil.url).host;
      fs.writeFileSync(
        config,
        JSON.stringify({
          global: { scrape_interval: '1s' },
          scrape_configs: [{ job_name: job, static_configs: [{ targets: [target] }] }],
        }),
      );
      const args = [
        `-promscrape.config=${config}`,
        `-httpListenAddr=127.0.0.1:${port}`,
        `-remoteWrite.url=${vigil.url}/api/v1/write`,
        `-remoteWrite.bearerToken=${token}`,
        `-remoteWrite.tmpDataPath=${path.join(dir, 'queue')}`,
        '-remoteWrite.flushInterval=200ms',
      ];
      return startPeer(name, VMAGENT ?? 'vmagent', args, `http://127.0.0.1:${port}/health`);
    };
    const started = await Promise.allSettled([
      prometheus('prometheus', 'prometheus', ports.prometheus, tokens.key),
      prometheus('prometheus-wrong-token', 'prometheus-wrong-token', ports.wrongPrometheus, WRONG_TOKEN),
      vmagent('vmagent', 'vigil', ports.vmagent, tokens.key),
      vmagent('vmagent-wrong-token', 'vigil-wrong-token', ports.wrongVmagent, WRONG_TOKEN),
    ]);
    for (const outcome of started) if (outcome.status === 'fulfilled') peers.push(outcome.value);
    for (const outcome of started) if (outcome.status === 'rejected') throw outcome.reason;
  });

  after(async () => {
    await Promise.all(peers.map((peer) => peer.stop()));
    await vigil?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  describe('Prometheus 2.42: remote_write to /prometheus/remote/write with authorization.credentials', () => {
    it('its own up and prometheus_build_info arrive with its job, its instance and remote_write="true"', async () => {
      const up = await eventually('up{job="prometheus"} in vigil', async () => {
        const data = await vigilData<Vector>('query', { query: 'up{job="prometheus"}' });
        return data.result.length > 0 ? data : undefined;
      });
      const instance = `127.0.0.1:${ports.prometheus}`;
      assert.equal(up.resultType, 'vector');
      assert.deepEqual(
        up.result.map((r) => [r.metric, r.value[1]]),
        [[{ __name__: 'up', instance, job: 'prometheus', remote_write: 'true' }, '1']],
      );
      const at = await caughtUp('prometheus');
      const query = { query: 'prometheus_build_info', time: String(at) };
      const [ours, theirs] = await Promise.all([
        vigilData<Vector>('query', query),
        prometheusData<Vector>('query', query),
      ]);
      const own = theirs.result[0];
      assert.ok(own !== undefined && theirs.result.length === 1, JSON.stringify(theirs));
      assert.equal(own.metric['job'], 'prometheus');
      assert.equal(own.metric['instance'], instance);
      assert.equal(own.metric['version'], '2.42.0+ds');
      assert.deepEqual(ours.result, [{ metric: { ...own.metric, remote_write: 'true' }, value: own.value }]);
    });

    it('every series of the job has Prometheus’s own value at a past instant', async () => {
      const at = await caughtUp('prometheus');
      const query = { query: '{job="prometheus"}', time: String(at) };
      const [ours, theirs] = await Promise.all([
        vigilData<Vector>('query', query),
        prometheusData<Vector>('query', query),
      ]);
      assert.ok(theirs.result.length > 300, `${theirs.result.length} series in Prometheus`);
      assert.ok(
        ours.result.every((r) => r.metric['remote_write'] === 'true'),
        'every series carries remote_write="true"',
      );
      assert.deepEqual(byLabels(ours), byLabels(theirs));
    });

    it('a range query over the last seconds has a point per step, equal to Prometheus’s', async () => {
      const end = await caughtUp('prometheus');
      const steps = [end - 4, end - 3, end - 2, end - 1, end];
      for (const query of ['up{job="prometheus"}', 'scrape_duration_seconds{job="prometheus"}']) {
        const params = { query, start: String(end - 4), end: String(end), step: '1' };
        const [ours, theirs] = await Promise.all([
          vigilData<Matrix>('query_range', params),
          prometheusData<Matrix>('query_range', params),
        ]);
        assert.equal(ours.resultType, 'matrix');
        assert.deepEqual(
          ours.result.map((r) => ({ metric: sent(r.metric), values: r.values })),
          theirs.result,
          query,
        );
        assert.equal(ours.result.length, 1, query);
        assert.deepEqual(
          ours.result[0]?.values.map(([t]) => t),
          steps,
          query,
        );
        if (query.startsWith('up')) {
          assert.deepEqual(
            ours.result[0]?.values.map(([, v]) => v),
            steps.map(() => '1'),
          );
        }
      }
    });

    it('with a wrong token: Prometheus logs the 401, counts the samples failed, never retries; vigil stores none', async () => {
      const wrongUrl = `http://127.0.0.1:${ports.wrongPrometheus}`;
      const url = `${vigil.url}/prometheus/remote/write`;
      const failed = await eventually('samples failed by the wrong-token Prometheus', async () => {
        const value = sampleValue(await scrape(wrongUrl), 'prometheus_remote_storage_samples_failed_total', { url });
        return value !== undefined && value > 0 ? value : undefined;
      });
      assert.ok(failed > 0);
      const text = await scrape(wrongUrl);
      assert.equal(sampleValue(text, 'prometheus_remote_storage_samples_retried_total', { url }), 0);
      const log = peers.find((peer) => peer.name === 'prometheus-wrong-token')?.log() ?? '';
      assert.ok(log.includes('msg="non-recoverable error"'), log);
      assert.ok(
        log.includes(`err="server returned HTTP status 401 Unauthorized: ${UNAUTHORIZED_BODY.replaceAll('"', '\\"')}"`),
        log,
      );
      const matcher = `{job="prometheus-wrong-token"}`;
      assert.deepEqual(await vigilData<string[]>('series', { 'match[]': matcher }), []);
      assert.deepEqual((await vigilData<Vector>('query', { query: `count(${matcher})` })).result, []);
      const jobs = await vigilData<string[]>('label/job/values', {});
      assert.ok(jobs.includes('prometheus') && !jobs.includes('prometheus-wrong-token'), JSON.stringify(jobs));
    });
  });

  describe('vmagent 1.79: -remoteWrite.url=<vigil>/api/v1/write -remoteWrite.bearerToken', () => {
    it('vigil’s own /metrics, as vmagent scraped it, arrives with job="vigil" and the values of /metrics', async () => {
      const instance = new URL(vigil.url).host;
      const up = await eventually('up{job="vigil"} in vigil', async () => {
        const data = await vigilData<Vector>('query', { query: 'up{job="vigil"}' });
        return data.result.length > 0 ? data : undefined;
      });
      assert.deepEqual(
        up.result.map((r) => [r.metric, r.value[1]]),
        [[{ __name__: 'up', instance, job: 'vigil', remote_write: 'true' }, '1']],
      );
      // Constant while vigil runs, so what vmagent sent must be exactly what /metrics says now.
      const own = sampleValue(await scrape(vigil.url), 'vigil_process_start_time_seconds');
      assert.ok(own !== undefined && own > 1.7e9, String(own));
      const started = await vigilData<Vector>('query', { query: 'vigil_process_start_time_seconds{job="vigil"}' });
      assert.deepEqual(
        started.result.map((r) => [r.metric, r.value[1]]),
        [[{ __name__: 'vigil_process_start_time_seconds', instance, job: 'vigil', remote_write: 'true' }, String(own)]],
      );
      const agent = await scrape(`http://127.0.0.1:${ports.vmagent}`);
      const statuses = [...agent.matchAll(/^vmagent_remotewrite_requests_total\{[^}]*status_code="([^"]+)"\} (\d+)/gm)];
      assert.deepEqual(
        statuses.filter(([, , count]) => Number(count) > 0).map(([, code]) => code),
        ['2XX'],
        agent,
      );
    });

    it('with a wrong token: vmagent logs the 401 and keeps retrying the block; vigil stores none', async () => {
      const wrongUrl = `http://127.0.0.1:${ports.wrongVmagent}`;
      await eventually('a 401 counted by the wrong-token vmagent', async () => {
        const value = sampleValue(await scrape(wrongUrl), 'vmagent_remotewrite_requests_total', { status_code: '401' });
        return value !== undefined && value > 0 ? value : undefined;
      });
      const text = await scrape(wrongUrl);
      assert.equal(sampleValue(text, 'vmagent_remotewrite_requests_total', { status_code: '2XX' }), 0);
      const log = peers.find((peer) => peer.name === 'vmagent-wrong-token')?.log() ?? '';
      assert.ok(log.includes(`: 401; response body=${JSON.stringify(UNAUTHORIZED_BODY)}; re-sending the block`), log);
      const matcher = `{job="vigil-wrong-token"}`;
      assert.deepEqual(await vigilData<string[]>('series', { 'match[]': matcher }), []);
      assert.deepEqual((await vigilData<Vector>('query', { query: `count(${matcher})` })).result, []);
    });
  });

  describe('promtool 2.42 query against <vigil>/prometheus', () => {
    const promtool = (args: string[]) => run(PROMTOOL ?? 'promtool', ['query', ...args]);

    it('query range --header="Authorization=Bearer <token>": the JSON promtool prints for Prometheus itself', async () => {
      const end = await caughtUp('prometheus');
      const range = [`--start=${end - 4}`, `--end=${end}`, '--step=1s'];
      const expr = 'scrape_duration_seconds{job="prometheus"}';
      const ours = await promtool([
        'range',
        '-o',
        'json',
        `--header=Authorization=Bearer ${tokens.key}`,
        ...range,
        `${vigil.url}/prometheus`,
        expr,
      ]);
      const theirs = await promtool(['range', '-o', 'json', ...range, prometheusUrl, expr]);
      assert.deepEqual([ours.code, ours.stderr], [0, '']);
      assert.deepEqual([theirs.code, theirs.stderr], [0, '']);
      const parsed = JSON.parse(ours.stdout) as Matrix['result'];
      assert.equal(parsed[0]?.metric['remote_write'], 'true');
      assert.equal(parsed[0]?.values.length, 5);
      assert.deepEqual(
        parsed.map((r) => ({ metric: sent(r.metric), values: r.values })),
        JSON.parse(theirs.stdout),
      );
    });

    it('query instant, series and labels cannot authenticate: no header flag, and URL userinfo is Basic auth', async () => {
      const withUserinfo = `${vigil.url.replace('http://', `http://promtool:${tokens.key}@`)}/prometheus`;
      for (const server of [`${vigil.url}/prometheus`, withUserinfo]) {
        for (const args of [
          ['instant', '-o', 'json', server, 'up'],
          ['series', '-o', 'json', '--match=up', server],
          ['labels', '-o', 'json', server, 'job'],
          ['range', '-o', 'json', server, 'up'],
        ]) {
          const result = await promtool(args);
          assert.deepEqual(result, { code: 1, stdout: '', stderr: PROMTOOL_401 }, args.join(' '));
        }
      }
    });

    it('query instant, series and labels through a Basic→Bearer gateway: what promtool prints for Prometheus', async () => {
      const gateway = await basicToBearerGateway(vigil.url);
      try {
        const at = await caughtUp('prometheus');
        const server = `http://promtool:${tokens.key}@${new URL(gateway.url).host}/prometheus`;
        const instant = ['instant', '-o', 'json', `--time=${at}`];
        const ours = await promtool([...instant, server, 'prometheus_build_info']);
        const theirs = await promtool([...instant, prometheusUrl, 'prometheus_build_info']);
        assert.deepEqual([ours.code, ours.stderr, theirs.code], [0, '', 0]);
        const vector = JSON.parse(ours.stdout) as Vector['result'];
        assert.equal(vector[0]?.metric['remote_write'], 'true');
        assert.deepEqual(
          vector.map((r) => ({ metric: sent(r.metric), value: r.value })),
          JSON.parse(theirs.stdout),
        );

        const seriesArgs = ['series', '-o', 'json', '--match=prometheus_build_info'];
        const series = await promtool([...seriesArgs, server]);
        const ownSeries = await promtool([...seriesArgs, prometheusUrl]);
        assert.deepEqual([series.code, series.stderr], [0, '']);
        assert.deepEqual(
          (JSON.parse(series.stdout) as Labels[]).map((labels) => [labels['remote_write'], sent(labels)]),
          (JSON.parse(ownSeries.stdout) as Labels[]).map((labels) => ['true', labels]),
        );

        const jobs = await promtool(['labels', '-o', 'json', '--match=up{job="prometheus"}', server, 'job']);
        assert.deepEqual(jobs, { code: 0, stdout: '["prometheus"]\n', stderr: '' });
        const marks = await promtool(['labels', '-o', 'json', server, 'remote_write']);
        assert.deepEqual(marks, { code: 0, stdout: '["true"]\n', stderr: '' });

        const basic = `Basic ${Buffer.from(`promtool:${tokens.key}`).toString('base64')}`;
        assert.deepEqual(
          gateway.received,
          gateway.received.map(() => basic),
        );
        assert.equal(gateway.received.length, 4);
      } finally {
        await gateway.close();
      }
    });
  });
});
