import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import type { Change } from '../platform/change-feed.js';
import type { TestApp } from './test-app.js';

/** Records what the change feed carries while `body` runs. */
export async function feedDuring(app: TestApp, body: () => Promise<void>): Promise<Change[]> {
  const seen: Change[] = [];
  const stop = app.feed.subscribe((change) => seen.push(change));
  try {
    await body();
  } finally {
    stop();
  }
  return seen;
}

/** IBM's v1 error body, asserted whole. */
export function assertIamError(
  res: LightMyRequestResponse,
  status: number,
  error: { code: string; message: string; message_code?: string; details?: string },
): void {
  assert.equal(res.statusCode, status, res.body);
  assert.deepEqual(res.json(), { trace: res.headers['x-request-id'], errors: [error], status_code: status });
}

/** The audit rows about one target, oldest first. */
export function auditOf(app: TestApp, targetId: string) {
  return app.database.db
    .selectFrom('audit_events')
    .selectAll()
    .where('target_id', '=', targetId)
    .orderBy('seq', 'asc')
    .execute();
}
