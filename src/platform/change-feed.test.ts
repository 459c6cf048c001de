import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { LocalChangeFeed, PostgresChangeFeed, type Change } from './change-feed.js';
import { POSTGRES_URL, TEST_DATABASES } from '../testing/databases.js';

// Generous: only a change that never comes fails (delivery latency is measured by test/multiprocess and npm run bench).
function nextChange(feed: { subscribe(l: (c: Change) => void): () => void }, timeoutMs = 15_000): Promise<Change> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no change heard')), timeoutMs);
    const stop = feed.subscribe((change) => {
      clearTimeout(timer);
      stop();
      resolve(change);
    });
  });
}

describe('LocalChangeFeed', () => {
  it('delivers a published change to every subscriber, and not after unsubscribing', async () => {
    const feed = new LocalChangeFeed();
    const heard: Change[] = [];
    const stop = feed.subscribe((c) => heard.push(c));
    await feed.publish({ topic: 'apikey', key: 'ApiKey-1' });
    stop();
    await feed.publish({ topic: 'apikey', key: 'ApiKey-2' });
    assert.deepEqual(heard, [{ topic: 'apikey', key: 'ApiKey-1' }]);
  });
});

describe('PostgresChangeFeed', { skip: !TEST_DATABASES.includes('postgres') }, () => {
  it('carries a change from one process to another (two pools on one database) and to the publisher at once', async () => {
    const poolA = new pg.Pool({ connectionString: POSTGRES_URL, max: 2 });
    const poolB = new pg.Pool({ connectionString: POSTGRES_URL, max: 2 });
    const a = await PostgresChangeFeed.start(poolA);
    const b = await PostgresChangeFeed.start(poolB);
    try {
      const seenByB = nextChange(b);
      const heardByA: Change[] = [];
      a.subscribe((c) => heardByA.push(c));
      await a.publish({ topic: 'user', key: 'IBMid-ABC:with:colons' });
      // The publisher hears its own change synchronously with publish().
      assert.deepEqual(heardByA[0], { topic: 'user', key: 'IBMid-ABC:with:colons' });
      assert.deepEqual(await seenByB, { topic: 'user', key: 'IBMid-ABC:with:colons' });
    } finally {
      await a.close();
      await b.close();
      await poolA.end();
      await poolB.end();
    }
  });
});
