/**
 * Builds the web console (web/ → dist/web) with Vite, only when something it is built from changed since the last
 * build: its sources, the shared client and server types it imports, and the locked dependency versions. `--force`
 * always builds.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = process.env['VIGIL_WEB_OUT'] ?? path.join(root, 'dist', 'web');
const stampFile = path.join(outDir, '.build-stamp');
const inputs = ['web', 'src/client', 'src/iam', 'src/monitor', 'package-lock.json'];

function* files(entry: string): Generator<string> {
  const stat = fs.statSync(entry, { throwIfNoEntry: false });
  if (!stat) return;
  if (stat.isFile()) {
    yield entry;
    return;
  }
  for (const name of fs.readdirSync(entry).sort()) {
    if (name === 'node_modules' || name === 'dist') continue;
    yield* files(path.join(entry, name));
  }
}

/** Paths, sizes and modification times of every input: cheap, and changes whenever an input does. */
function fingerprint(): string {
  const hash = createHash('sha256');
  for (const input of inputs) {
    for (const file of files(path.join(root, input))) {
      const stat = fs.statSync(file);
      hash.update(`${path.relative(root, file)}\0${stat.size}\0${stat.mtimeMs}\n`);
    }
  }
  return hash.digest('hex');
}

const stamp = fingerprint();
const force = process.argv.includes('--force');
if (!force && fs.existsSync(path.join(outDir, 'index.html')) && readStamp() === stamp) {
  process.stdout.write('web console: up to date (dist/web)\n');
} else {
  const started = Date.now();
  process.stdout.write('web console: building (vite) …\n');
  await build({ configFile: path.join(root, 'web', 'vite.config.ts') });
  fs.writeFileSync(stampFile, `${stamp}\n`);
  process.stdout.write(`web console: built into dist/web in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

function readStamp(): string | undefined {
  try {
    return fs.readFileSync(stampFile, 'utf8').trim();
  } catch {
    return undefined;
  }
}
