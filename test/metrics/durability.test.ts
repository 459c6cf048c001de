import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { encodeV1, snappy } from '../../src/metrics/remote-write/testing/encoder.js';
import { TENANT_LABEL } from '../../src/metrics/store/tenant-storage.js';
import { Tsdb } from '../../src/tsdb/tsdb.js';
import { managerTokens, startVigil, type VigilProcess } from '../multiprocess/vigil-process.js';

const SERIES = 50;

const SHARDS = 4;

/**
 * One remote-write 1.0 body of one shard: `SERIES` series, one sample each at `t`, value = t + series index. As with
 * Prometheus's shards, each sender has series of its own (one series' samples are sent in order by one shard).
 */
function batch(shard: number, t: number): Buffer {
  return snappy(
    encodeV1({
      timeseries: Array.from({ length: SERIES }, (_, i) => ({
        labels: [
          { name: '__name__', value: 'durability_test' },
          { name: 'series', value: `${shard}-${i}` },
        ],
        samples: [{ value: t + i, timestamp: t }],
      })),
    }),
  );
}

function send(vigil: VigilProcess, key: string, shard: number, t: number): Promise<Response> {
  return fetch(`${vigil.url}/prometheus/remote/write`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/x-protobuf',
      'content-encoding': 'snappy',
      'x-prometheus-remote-write-version': '0.1.0',
    },
    body: batch(shard, t),
  });
}

/** Every sample of `durability_test` the store holds, by series, read straight from the data directory. */
async function stored(dataDir: string, tenant: string): Promise<Map<string, number[]>> {
  const store = Tsdb.open({
    dir: path.join(dataDir, 'metrics'),
    retention: 15 * 86_400_000,
    partitionLabel: TENANT_LABEL,
    now: () => Date.now(),
    random: (n) => randomBytes(n),
    log: () => {},
    maintenanceInterval: 0,
  });
  try {
    const range = { start: 0, end: 8.64e15 };
    const querier = await store.querier(range);
    const rows = await querier.select(
      [
        { type: '=', name: TENANT_LABEL, value: tenant },
        { type: '=', name: '__name__', value: 'durability_test' },
      ],
      range,
    );
    await querier.close();
    return new Map(rows.map((r) => [r.labels.find((l) => l.name === 'series')?.value ?? '', [...r.floats.timestamps]]));
  } finally {
    await store.close();
  }
}

describe('Durability: kill -9 of vigil during remote-write loses nothing acknowledged', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-durability-'));
  const admin = { email: 'admin@example.test', password: `pw-${randomBytes(12).toString('base64url')}` };
  const vars = {
    VIGIL_DATA_DIR: dataDir,
    VIGIL_ADMIN_EMAIL: admin.email,
    VIGIL_ADMIN_PASSWORD: admin.password,
  };
  let vigil: VigilProcess | undefined;
  after(async () => {
    await vigil?.kill();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('SIGKILL while batches are in flight, three times: every 204 is in the store after each restart', async () => {
    vigil = await startVigil(vars);
    const tokens = await managerTokens(vigil, admin, { kind: 'sqlite', file: path.join(dataDir, 'vigil.db') });
    const acknowledged: number[][] = Array.from({ length: SHARDS }, () => []);
    let t = Date.now() - 60_000;
    const total = () => acknowledged.reduce((sum, list) => sum + list.length, 0);
    for (let round = 0; round < 3; round++) {
      // Four senders in parallel, as Prometheus's shards; the kill lands while requests are in flight.
      let stop = false;
      const killAfter = 40 + Math.floor(Math.random() * 40);
      const failures: string[] = [];
      const sender = async (shard: number) => {
        while (!stop) {
          const at = (t += 1000);
          const response = await send(vigil as VigilProcess, tokens.key, shard, at).catch(() => null);
          if (response === null) return;
          const text = await response.text();
          if (response.status === 204) acknowledged[shard]?.push(at);
          else failures.push(`${response.status} ${text}`);
          if (total() >= killAfter * (round + 1) || failures.length > 0) stop = true;
        }
      };
      const senders = Array.from({ length: SHARDS }, (_, shard) => sender(shard));
      while (!stop) await new Promise((resolve) => setTimeout(resolve, 5));
      await vigil.kill();
      await Promise.all(senders);
      assert.deepEqual(failures, [], `round ${round}`);
      const kept = await stored(dataDir, tokens.instanceGuid);
      for (let shard = 0; shard < SHARDS; shard++) {
        for (let i = 0; i < SERIES; i++) {
          const times = new Set(kept.get(`${shard}-${i}`) ?? []);
          const lost = (acknowledged[shard] ?? []).filter((at) => !times.has(at));
          assert.deepEqual(lost, [], `round ${round}, series ${shard}-${i}: acknowledged samples lost`);
        }
      }
      vigil = await startVigil(vars);
    }
    assert.ok(total() >= 120, `${total()} batches acknowledged`);
  });
});
