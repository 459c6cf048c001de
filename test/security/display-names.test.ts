import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { createApiKey, createServiceId } from '../../src/testing/identity-fixtures.js';
import { iamHeaders, insertInstance, insertTeam } from '../../src/testing/monitor-fixtures.js';
import { bearer, describeEachDatabase, type TestApp } from '../../src/testing/test-app.js';

/**
 * Names people see (teams, service IDs, API keys, users, instances, emails) refuse control characters and invisible
 * formatting characters: U+202E RIGHT-TO-LEFT OVERRIDE makes the console show "prod-admin" for a name stored as
 * "nimda-dorp", and a BEL or a line feed breaks the CLI's tables. Every place a name is taken answers 400 in its
 * surface's shape, and nothing is created or changed. Descriptions may have line breaks, nothing else of the kind.
 */

const BAD = ['bell\u0007', 'nimda-\u202edorp', 'line\nbreak', 'tab\there', 'zero\u200bwidth', 'isolate\u2066x'];
const NAME_RULE = 'must not contain control characters or invisible formatting characters (such as U+202E)';
const TEXT_RULE =
  'must not contain control characters other than tab and line breaks, or invisible formatting characters (such as ' +
  'U+202E)';

function iamRefusal(res: LightMyRequestResponse, field: string, rule = NAME_RULE): void {
  assert.equal(res.statusCode, 400, res.body);
  const body = res.json() as { errors: { code: string; message: string }[]; status_code: number };
  assert.deepEqual(
    [body.errors[0]?.code, body.errors[0]?.message, body.status_code],
    ['invalid_request', `Invalid body: ${field} ${rule}.`, 400],
  );
}

function sysdigRefusal(res: LightMyRequestResponse, field: string): void {
  assert.equal(res.statusCode, 400, res.body);
  assert.deepEqual(res.json(), {
    errors: [{ reason: 'Bad Request', message: `Invalid body: ${field} ${NAME_RULE}.` }],
  });
}

async function send(app: TestApp, method: 'POST' | 'PUT' | 'PATCH', url: string, headers: object, payload: object) {
  return app.http.inject({ method, url, headers: headers as Record<string, string>, payload });
}

describeEachDatabase('Names without control or invisible formatting characters', (t) => {
  it('IAM: API keys, service IDs and users (400 invalid_request; nothing stored or changed)', async () => {
    const app = t.app();
    const admin = bearer(await app.admin.token());
    const sid = await createServiceId(app, app.accountId, 'robot');
    const key = await createApiKey(app, app.admin);
    for (const bad of BAD) {
      iamRefusal(await send(app, 'POST', '/v1/apikeys', admin, { name: bad, iam_id: app.admin.iamId }), 'name');
      iamRefusal(await send(app, 'PUT', `/v1/apikeys/${key.id}`, { ...admin, 'if-match': '*' }, { name: bad }), 'name');
      iamRefusal(await send(app, 'POST', '/v1/serviceids', admin, { account_id: app.accountId, name: bad }), 'name');
      iamRefusal(
        await send(app, 'POST', '/v1/serviceids', admin, {
          account_id: app.accountId,
          name: 'fine',
          apikey: { name: bad },
        }),
        'apikey.name',
      );
      iamRefusal(
        await send(app, 'PUT', `/v1/serviceids/${sid.id}`, { ...admin, 'if-match': '*' }, { name: bad }),
        'name',
      );
      iamRefusal(
        await send(app, 'POST', '/v1/users', admin, { email: 'x@example.test', name: bad, password: 'long-enough' }),
        'name',
      );
    }
    iamRefusal(
      await send(app, 'POST', '/v1/users', admin, {
        email: 'admin\u202e@example.test',
        name: 'Spoof',
        password: 'long-enough',
      }),
      'email',
    );
    // A description may span lines, but hides nothing.
    iamRefusal(
      await send(app, 'POST', '/v1/apikeys', admin, {
        name: 'ok',
        iam_id: app.admin.iamId,
        description: 'first\u202e',
      }),
      'description',
      TEXT_RULE,
    );
    const multiline = await send(app, 'POST', '/v1/apikeys', admin, {
      name: 'Grafana — prod (東京)',
      iam_id: app.admin.iamId,
      description: 'line one\nline two\ttabbed',
    });
    assert.equal(multiline.statusCode, 201, multiline.body);
    const names = await app.database.db.selectFrom('api_keys').select('name').execute();
    assert.deepEqual(names.map((n) => n.name).sort(), ['Grafana — prod (東京)', `key-${key.id.slice(-6)}`].sort());
    const sids = await app.database.db.selectFrom('service_ids').select('name').execute();
    assert.deepEqual(sids, [{ name: 'robot' }]);
    const users = await app.database.db.selectFrom('users').select('email').execute();
    assert.deepEqual(users, [{ email: app.admin.email }]);
  });

  it('monitoring: instances (IAM shape), teams and invited users (Sysdig shape)', async () => {
    const app = t.app();
    const admin = bearer(await app.admin.token());
    const { instance, operations } = await insertInstance(app, { name: 'prod' });
    const team = await insertTeam(app, instance.guid, 'web');
    const monitor = iamHeaders(await app.admin.token(), instance.guid, operations.id);
    const me = await app.http.inject({ url: '/api/user/me', headers: monitor });
    const meId = (me.json() as { user: { id: number } }).user.id;
    for (const bad of BAD) {
      iamRefusal(await send(app, 'POST', '/v1/instances', admin, { name: bad }), 'name');
      iamRefusal(await send(app, 'PATCH', `/v1/instances/${instance.guid}`, admin, { name: bad }), 'name');
      sysdigRefusal(await send(app, 'POST', '/api/teams', monitor, { name: bad }), 'name');
      sysdigRefusal(
        await send(app, 'PUT', `/api/teams/${team.id}`, monitor, { name: bad, version: team.version }),
        'name',
      );
      sysdigRefusal(
        await send(app, 'POST', '/api/users', monitor, { username: 'new@example.test', firstName: bad }),
        'firstName',
      );
      sysdigRefusal(await send(app, 'PUT', `/api/users/${meId}`, monitor, { lastName: bad, version: 1 }), 'lastName');
    }
    sysdigRefusal(await send(app, 'POST', '/api/users', monitor, { username: 'new\u202e@example.test' }), 'username');
    const instances = await app.database.db.selectFrom('monitor_instances').select('name').execute();
    assert.deepEqual(instances, [{ name: 'prod' }]);
    const teams = await app.database.db.selectFrom('monitor_teams').select('name').orderBy('id').execute();
    assert.deepEqual(teams, [{ name: 'Monitor Operations' }, { name: 'web' }]);
    const users = await app.database.db.selectFrom('monitor_users').select('username').execute();
    assert.deepEqual(users, [{ username: app.admin.email }]);
    assert.equal(await app.iam.ctx.repositories.users.findByEmail('new@example.test'), undefined);
  });
});
