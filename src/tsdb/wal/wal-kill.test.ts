import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { withTempDir } from './testing/wal-fixtures.js';
import { Wal } from './wal.js';

/**
 * The child: opens the WAL, continues numbering after the last record replayed, appends batches of 1–5 numbered
 * records and prints each batch's last number once append() has returned, yielding to the event loop now and then.
 */
const CHILD = `
import { Wal } from ${JSON.stringify(pathToFileURL(new URL('./wal.ts', import.meta.url).pathname).href)};
const wal = Wal.open(process.env.WAL_DIR, { log: () => {}, segmentSize: 64 * 1024 });
let next = 0;
wal.replay((_type, payload) => { next = new DataView(payload.buffer, payload.byteOffset).getUint32(0) + 1; });
for (let round = 0; ; round++) {
  const n = 1 + (round % 5);
  const batch = [];
  for (let k = 0; k < n; k++) {
    const payload = new Uint8Array(4 + ((next + k) % 40));
    new DataView(payload.buffer).setUint32(0, next + k);
    payload.fill((next + k) & 0xff, 4);
    batch.push({ type: 2, payload });
  }
  wal.append(batch);
  next += n;
  process.stdout.write(next - 1 + '\\n');
  if (round % 64 === 63) await new Promise((resolve) => setImmediate(resolve));
}
`;

/** Runs the child until it has printed for `killAfterMs`, kills it with SIGKILL, and returns every number it printed. */
function runAndKill(dir: string, killAfterMs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
      env: { ...process.env, WAL_DIR: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      timer ??= setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`child ended without being killed: ${err}`));
      const lines = out.split('\n');
      lines.pop(); // a line cut short by the kill, or ''
      resolve(lines.map(Number));
    });
  });
}

describe('Wal under kill -9', () => {
  it('keeps every record whose append() returned before the process was killed', { timeout: 25_000 }, () =>
    withTempDir(async (dir) => {
      let total = 0;
      for (const killAfterMs of [300, 150, 450]) {
        const printed = await runAndKill(dir, killAfterMs);
        assert.ok(printed.length > 10, `the child printed ${printed.length} lines`);
        const wal = Wal.open(dir, { log: () => {} });
        const indexes: number[] = [];
        wal.replay((type, payload) => {
          const i = new DataView(payload.buffer, payload.byteOffset).getUint32(0);
          assert.equal(type, 2);
          assert.equal(payload.length, 4 + (i % 40));
          assert.ok(payload.subarray(4).every((b) => b === (i & 0xff)));
          indexes.push(i);
        });
        wal.close();
        assert.ok(
          indexes.every((i, k) => i === k),
          'records 0..n-1 in order, none missing',
        );
        const lastPrinted = printed.at(-1) as number;
        assert.ok(indexes.length > lastPrinted, `printed ${lastPrinted}, replayed up to ${indexes.length - 1}`);
        assert.ok(lastPrinted > total, 'the run appended after the previous one');
        total = indexes.length;
      }
    }),
  );
});
