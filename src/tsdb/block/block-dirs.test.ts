import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Block } from './block.js';
import { blockDirs, cleanLeftovers, deleteBlock } from './block-dirs.js';
import { series, tempDir, xorChunk } from './testing/block-fixtures.js';
import { writeBlock } from './writer.js';

const A = '01ARYZ6S410000000000000000';
const B = '01ARYZ6S420000000000000000';

describe('cleanLeftovers', () => {
  it('removes the temporary block directories a crash left, and nothing else', () => {
    const parent = tempDir();
    const keep = [
      A,
      B,
      'wal',
      'chunks_head',
      'checkpoint.00000001.tmp',
      'notaulid.tmp-for-creation',
      `${A}.tmp-for-creation.bak`,
    ];
    const drop = [`${A}.tmp-for-creation`, `${B}.tmp-for-deletion`, `${A}.tmp`];
    for (const name of [...keep, ...drop]) {
      fs.mkdirSync(path.join(parent, name));
      fs.writeFileSync(path.join(parent, name, 'file'), 'x');
    }
    fs.writeFileSync(path.join(parent, `${B}.tmp-for-creation-file`), 'x');
    cleanLeftovers(parent);
    assert.deepEqual(fs.readdirSync(parent).sort(), [...keep, `${B}.tmp-for-creation-file`].sort());
  });
});

describe('blockDirs', () => {
  it('lists ULID-named directories, oldest first', () => {
    const parent = tempDir();
    for (const name of [B, A, `${A}.tmp-for-creation`, 'wal']) fs.mkdirSync(path.join(parent, name));
    fs.writeFileSync(path.join(parent, '01ARYZ6S430000000000000000'), 'a file, not a block');
    assert.deepEqual(blockDirs(parent), [path.join(parent, A), path.join(parent, B)]);
  });
});

describe('deleteBlock', () => {
  it('removes the block, while a reader that has it open keeps reading', async () => {
    const parent = tempDir();
    const meta = await writeBlock(parent, {
      minTime: 0,
      maxTime: 100,
      series: [{ labels: series({ a: '1' }), chunks: [xorChunk([[1, 5]])] }],
      level: 1,
      ulid: A,
    });
    assert.ok(meta);
    const dir = path.join(parent, A);
    const block = Block.open(dir);
    try {
      deleteBlock(dir);
      assert.deepEqual(fs.readdirSync(parent), []);
      const [chunk] = block.seriesChunks(0);
      assert.ok(chunk);
      assert.equal(block.readChunk(chunk.ref).encoding, 1);
    } finally {
      block.close();
    }
    deleteBlock(dir);
  });

  it('replaces a leftover from an interrupted deletion', () => {
    const parent = tempDir();
    const dir = path.join(parent, A);
    fs.mkdirSync(dir);
    fs.mkdirSync(`${dir}.tmp-for-deletion`);
    fs.writeFileSync(path.join(`${dir}.tmp-for-deletion`, 'old'), 'x');
    deleteBlock(dir);
    assert.deepEqual(fs.readdirSync(parent), []);
  });
});
