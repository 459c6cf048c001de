import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import pino from 'pino';
import { requestLoggerFactory } from './request-logger.js';

interface Line {
  level: number;
  msg: string;
  reqId?: string;
}

async function serverLoggingAt(
  level: 'info' | 'warn',
): Promise<{ lines: Line[]; inject: (id: string) => Promise<number> }> {
  const lines: Line[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(text) as Line);
      done();
    },
  });
  const app = Fastify({
    loggerInstance: pino({ level }, sink),
    childLoggerFactory: requestLoggerFactory,
    genReqId: (req) => String(req.headers['x-request-id']),
  });
  app.get('/quiet', async () => ({ ok: true }));
  app.get('/warns', async (request) => {
    request.log.debug('not written at info or warn');
    request.log.warn({ detail: 1 }, 'something odd');
    return { ok: true };
  });
  await app.ready();
  return {
    lines,
    inject: async (path: string) =>
      (await app.inject({ url: path, headers: { 'x-request-id': `req-${path}` } })).statusCode,
  };
}

describe('request logger', () => {
  it('writes nothing for a request that logs nothing at the enabled level', async () => {
    const server = await serverLoggingAt('warn');
    assert.equal(await server.inject('/quiet'), 200);
    assert.deepEqual(server.lines, []);
  });

  it('binds the request id to every line a request writes', async () => {
    const server = await serverLoggingAt('warn');
    assert.equal(await server.inject('/warns'), 200);
    assert.deepEqual(
      server.lines.map((line) => ({ level: line.level, msg: line.msg, reqId: line.reqId })),
      [{ level: 40, msg: 'something odd', reqId: 'req-/warns' }],
    );
  });

  it("keeps Fastify's request lines, with their ids, when the level is info", async () => {
    const server = await serverLoggingAt('info');
    assert.equal(await server.inject('/quiet'), 200);
    assert.deepEqual(
      server.lines.map((line) => [line.msg, line.reqId]),
      [
        ['incoming request', 'req-/quiet'],
        ['request completed', 'req-/quiet'],
      ],
    );
  });
});
