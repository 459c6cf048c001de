import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { PolicyRow } from '../../platform/db/schema.js';
import { describeEachDatabase } from '../../testing/test-app.js';

describeEachDatabase('PoliciesRepository (uniqueness of active policies)', (t) => {
  it('refuses a second active policy with the same content, even when the service check was raced past', async () => {
    const app = t.app();
    const policies = app.iam.ctx.repositories.policies;
    const row = (id: string, state: 'active' | 'deleted'): PolicyRow => ({
      id,
      account_id: app.accountId,
      type: 'access',
      description: null,
      subjects: '[]',
      roles: '[]',
      resources: '[]',
      subject_iam_id: app.admin.iamId,
      fingerprint: 'same-content',
      state,
      version: 1,
      created_at: '2026-01-01T00:00:00.000Z',
      created_by_id: app.admin.iamId,
      last_modified_at: '2026-01-01T00:00:00.000Z',
      last_modified_by_id: app.admin.iamId,
    });
    assert.equal(await policies.insert(row('p-1', 'active')), true);
    assert.equal(await policies.insert(row('p-2', 'active')), false);
    // Deleted copies do not count, and a deleted one cannot be restored over an active twin.
    assert.equal(await policies.insert(row('p-3', 'deleted')), true);
    assert.equal(await policies.update('p-3', 1, { state: 'active' }), 'duplicate');
    assert.equal(await policies.update('p-3', 7, { state: 'deleted' }), 'stale');
    const stored = await app.database.db
      .selectFrom('policies')
      .select(['id', 'state'])
      .where('fingerprint', '=', 'same-content')
      .orderBy('id')
      .execute();
    assert.deepEqual(stored, [
      { id: 'p-1', state: 'active' },
      { id: 'p-3', state: 'deleted' },
    ]);
  });
});
