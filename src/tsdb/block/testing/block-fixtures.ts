import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { labelsFrom, type Labels } from '../../../promql/engine/core/labels.js';
import { XOR_ENCODING } from '../../chunks/encoding.js';
import { XorAppender } from '../../chunks/xor-chunk.js';
import type { ChunkInput } from '../writer.js';

/** A fresh directory under the OS temp dir, removed when the test file's tests are done. */
export function tempDir(prefix = 'vigil-block-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** An XOR chunk of the given (t, value) samples; 'stale' stands for a staleness marker. */
export function xorChunk(samples: readonly (readonly [number, number | 'stale'])[]): ChunkInput {
  const app = new XorAppender();
  for (const [t, v] of samples) app.append(t, v === 'stale' ? 0 : v, v === 'stale');
  return { minT: app.minT, maxT: app.maxT, encoding: XOR_ENCODING, bytes: app.bytes(), samples: app.count };
}

/** `count` samples from `start` every `step` ms with values from `value(i)`. */
export function samplesFrom(
  start: number,
  step: number,
  count: number,
  value: (i: number) => number,
): [number, number][] {
  return Array.from({ length: count }, (_, i) => [start + i * step, value(i)]);
}

export function series(pairs: Readonly<Record<string, string>>): Labels {
  return labelsFrom(pairs);
}

/** Deterministic bytes for ULIDs in tests. */
export function fixedRandom(seed: number): (n: number) => Uint8Array {
  let x = seed >>> 0 || 1;
  return (n) =>
    Uint8Array.from({ length: n }, () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return x & 0xff;
    });
}
