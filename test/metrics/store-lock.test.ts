import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { startVigil, type VigilProcess } from '../multiprocess/vigil-process.js';

describe('One metrics store per data directory', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-lock-'));
  let first: VigilProcess | undefined;
  after(async () => {
    await first?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a second vigil on the same VIGIL_DATA_DIR exits 1 naming the lock and the process holding it', async () => {
    first = await startVigil({ VIGIL_DATA_DIR: dataDir });
    const lock = path.join(dataDir, 'metrics', 'lock');
    assert.equal(fs.readFileSync(lock, 'utf8'), `${first.pid}\n`);
    await assert.rejects(startVigil({ VIGIL_DATA_DIR: dataDir }), (error: Error) => {
      assert.match(error.message, /vigil exited with 1 before listening/);
      assert.ok(
        error.message.includes(
          `vigil: the metrics store ${lock} is in use by another vigil process (pid ${first?.pid}); one process per ` +
            'data directory (run more processes against a remote metrics backend instead)',
        ),
        error.message,
      );
      return true;
    });
    assert.equal(await first.stop(), 0);
    first = undefined;
    assert.equal(fs.existsSync(lock), false, 'a clean stop releases the lock');
  });
});
