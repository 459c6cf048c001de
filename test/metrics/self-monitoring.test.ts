import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { managerTokens, startVigil, type VigilProcess } from '../multiprocess/vigil-process.js';

interface VectorAnswer {
  status: string;
  data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

async function query(vigil: VigilProcess, key: string, expr: string): Promise<VectorAnswer> {
  const response = await fetch(`${vigil.url}/prometheus/api/v1/query?query=${encodeURIComponent(expr)}`, {
    headers: { authorization: `Bearer ${key}` },
  });
  assert.equal(response.status, 200);
  return (await response.json()) as VectorAnswer;
}

/** Polls until `expr` returns a series (or gives up after `ms`). */
async function eventually(vigil: VigilProcess, key: string, expr: string, ms = 15_000): Promise<VectorAnswer> {
  const deadline = Date.now() + ms;
  for (;;) {
    const answer = await query(vigil, key, expr);
    if (answer.data.result.length > 0 || Date.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('Self-monitoring: VIGIL_SELF_MONITORING writes vigil’s own /metrics into an instance', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-self-'));
  const admin = { email: 'admin@example.test', password: `pw-${randomBytes(12).toString('base64url')}` };
  let vigil: VigilProcess | undefined;
  after(async () => {
    await vigil?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('vigil’s ingest and store figures show up in its own queries, with job="vigil"', async () => {
    vigil = await startVigil({
      VIGIL_DATA_DIR: dataDir,
      VIGIL_ADMIN_EMAIL: admin.email,
      VIGIL_ADMIN_PASSWORD: admin.password,
      VIGIL_SELF_MONITORING: 'default',
      VIGIL_SELF_MONITORING_INTERVAL: '1s',
    });
    const { key } = await managerTokens(vigil, admin, { kind: 'sqlite', file: path.join(dataDir, 'vigil.db') });
    const host = new URL(vigil.url).host;
    // The first scrape sees an empty store; the next one counts what the first wrote.
    const head = await eventually(vigil, key, 'vigil_tsdb_head_series > 0');
    assert.deepEqual(head.data.result[0]?.metric, {
      __name__: 'vigil_tsdb_head_series',
      instance: host,
      job: 'vigil',
      remote_write: 'true',
    });
    // Its own writes are counted by the next scrape.
    const received = await eventually(vigil, key, 'vigil_metrics_samples_received_total > 0');
    assert.equal(received.data.result.length, 1);
    const requests = await eventually(vigil, key, 'vigil_http_requests_total{route="/prometheus/api/v1/query"}');
    assert.ok(requests.data.result.length > 0, 'query requests are counted');
    const metadata = (await (
      await fetch(`${vigil.url}/prometheus/api/v1/metadata?metric=vigil_tsdb_head_series`, {
        headers: { authorization: `Bearer ${key}` },
      })
    ).json()) as unknown;
    assert.deepEqual(metadata, {
      status: 'success',
      data: {
        vigil_tsdb_head_series: [
          { type: 'gauge', help: 'Series in the metrics store head (active series).', unit: '' },
        ],
      },
    });
  });
});
