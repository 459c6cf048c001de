import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ApiKeyBody, ApiKeyListBody } from '../../src/iam/api-keys/api-keys.schema.js';
import type { ServiceIdBody } from '../../src/iam/service-ids/service-ids.schema.js';
import { createApiKey, createServiceId, grantIdentityRole } from '../../src/testing/identity-fixtures.js';
import { bearer } from '../../src/testing/test-app.js';
import { CliHome, jsonOf, startCliServer, type CliServer } from './cli-harness.js';

/**
 * `vigil iam service-id*` and `service-api-key*`, run as the built binary against a real server: IBM's output formats,
 * the whole life of a service ID and of its API key (down to logging in with the key), and every way they fail. The
 * server's state is checked through the app after each change.
 */

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const IBM_TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d\+0000/g;

/** Ids and times replaced by placeholders of the same length, so that a table's alignment can be asserted exactly. */
function masked(text: string): string {
  return text.replace(UUID, 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx').replace(IBM_TIME, 'YYYY-MM-DDThh:mm+0000');
}

function lines(...all: string[]): string {
  return all.map((line) => `${line}\n`).join('');
}

/** IBM's rows for a service ID, as the API describes it now. */
function serviceIdRows(sid: ServiceIdBody): string[] {
  return [
    `ID            ${sid.id}`,
    `Name          ${sid.name}`,
    `Description   ${sid.description ?? ''}`.trimEnd(),
    `CRN           ${sid.crn}`,
    `Version       ${sid.entity_tag}`,
    `Locked        ${sid.locked}`,
  ];
}

describe('vigil iam service-id* / service-api-key*', () => {
  let server: CliServer;
  let admin: CliHome;
  let adminEmail = '';
  let accountId = '';
  const homes: CliHome[] = [];
  const home = () => {
    const created = new CliHome();
    homes.push(created);
    return created;
  };
  const repos = () => server.app.iam.ctx.repositories;

  /** The API's own view of a path, read as the administrator. */
  async function api<T>(url: string): Promise<{ status: number; body: T }> {
    const response = await server.app.http.inject({
      method: 'GET',
      url,
      headers: bearer(await server.app.admin.token()),
    });
    return { status: response.statusCode, body: response.json<T>() };
  }

  before(async () => {
    server = await startCliServer();
    adminEmail = server.app.admin.email;
    accountId = server.app.accountId;
    admin = home();
    await admin.login(server, server.app.admin);
  });
  after(async () => {
    for (const created of homes) created.remove();
    await server.close();
  });

  describe('the life of a service ID and its API key', () => {
    let sid: ServiceIdBody;
    let keyId = '';
    const keyFile = () => path.join(admin.dir, 'robot-key.json');

    it('service-id-create prints IBM’s rows, and the service ID exists', async () => {
      const result = await admin.run(['iam', 'service-id-create', 'ci-bot', '-d', 'Builds and deploys']);
      assert.equal(result.code, 0, result.stderr);
      const id = /^ID {12}(ServiceId-\S+)$/m.exec(result.stdout)?.[1];
      assert.ok(id, result.stdout);
      const fetched = await api<ServiceIdBody>(`/v1/serviceids/${id}`);
      assert.equal(fetched.status, 200);
      sid = fetched.body;
      assert.deepEqual(
        [sid.name, sid.description, sid.locked, sid.account_id, sid.entity_tag.startsWith('1-')],
        ['ci-bot', 'Builds and deploys', false, accountId, true],
      );
      assert.deepEqual(result, {
        code: 0,
        stdout: lines(
          `Creating service ID ci-bot bound to current account as ${adminEmail}...`,
          'OK',
          'Service ID ci-bot is created successfully',
          '',
          ...serviceIdRows(sid),
        ),
        stderr: '',
      });
      assert.match(sid.crn, new RegExp(`^crn:v1:bluemix:public:iam-identity::a/${accountId}::serviceid:${id}$`));
    });

    it('service-id-create --lock --output json prints the API’s JSON of a locked service ID', async () => {
      const created = jsonOf<ServiceIdBody>(
        await admin.run(['iam', 'service-id-create', 'deployer', '--lock', '--output', 'json']),
      );
      const fetched = await api<ServiceIdBody>(`/v1/serviceids/${created.id}`);
      assert.deepEqual(created, fetched.body);
      assert.equal(created.locked, true);
      assert.equal((await repos().serviceIds.findById(created.id))?.locked, 1);
    });

    it('service-ids lists them in a table, and as the API’s JSON', async () => {
      const result = await admin.run(['iam', 'service-ids']);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stderr, '');
      assert.equal(
        masked(result.stdout),
        lines(
          `Getting all service IDs bound to current account as ${adminEmail}...`,
          '',
          'ID                                               Name       Description          Created At              Last Updated            Locked',
          'ServiceId-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx   ci-bot     Builds and deploys   YYYY-MM-DDThh:mm+0000   YYYY-MM-DDThh:mm+0000   false',
          'ServiceId-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx   deployer   -                    YYYY-MM-DDThh:mm+0000   YYYY-MM-DDThh:mm+0000   true',
        ),
      );
      const listed = await api<{ serviceids: ServiceIdBody[] }>(`/v1/serviceids?account_id=${accountId}`);
      assert.deepEqual(
        result.stdout
          .split('\n')
          .slice(3, -1)
          .map((line) => line.split(/\s{3,}/)[0]),
        listed.body.serviceids.map((listedSid) => listedSid.id),
      );
      assert.deepEqual(jsonOf(await admin.run(['iam', 'service-ids', '--output', 'json'])), listed.body.serviceids);
    });

    it('service-id shows one by name or by ID, with its IAM ID, dates and use', async () => {
      const expected = lines(
        ...serviceIdRows(sid),
        `IAM ID        ${sid.iam_id}`,
        `Created At    ${sid.created_at}`,
        `Last Updated  ${sid.modified_at}`,
        'Last Used     never',
        'Uses          0',
      );
      assert.deepEqual(await admin.run(['iam', 'service-id', 'ci-bot']), { code: 0, stdout: expected, stderr: '' });
      assert.deepEqual(await admin.run(['iam', 'service-id', sid.id]), { code: 0, stdout: expected, stderr: '' });
      const json = jsonOf<ServiceIdBody>(await admin.run(['iam', 'service-id', 'ci-bot', '--output', 'json']));
      assert.deepEqual(json, (await api<ServiceIdBody>(`/v1/serviceids/${sid.id}?include_activity=true`)).body);
    });

    it('service-id-update renames it and changes its description (with If-Match: the version goes up)', async () => {
      const result = await admin.run(['iam', 'service-id-update', 'ci-bot', '-n', 'ci-robot', '-d', 'Tests too']);
      const updated = (await api<ServiceIdBody>(`/v1/serviceids/${sid.id}`)).body;
      assert.deepEqual(
        [updated.name, updated.description, updated.entity_tag.split('-')[0]],
        ['ci-robot', 'Tests too', '2'],
      );
      assert.deepEqual(result, {
        code: 0,
        stdout: lines(
          `Updating service ID ci-bot bound to current account as ${adminEmail}...`,
          'OK',
          'Service ID ci-robot is updated successfully',
          '',
          ...serviceIdRows(updated),
        ),
        stderr: '',
      });
      assert.equal((await repos().serviceIds.findById(sid.id))?.version, 2);
      sid = updated;
    });

    it('service-id-lock locks it; a locked service ID is not deleted (the server’s 409); unlock allows it again', async () => {
      assert.deepEqual(await admin.run(['iam', 'service-id-lock', 'ci-robot']), {
        code: 0,
        stdout: lines(
          `Locking service ID ci-robot bound to current account as ${adminEmail}...`,
          'OK',
          'Service ID ci-robot is locked',
        ),
        stderr: '',
      });
      assert.equal((await repos().serviceIds.findById(sid.id))?.locked, 1);

      const refused = await admin.run(['iam', 'service-id-delete', 'ci-robot', '-f']);
      assert.deepEqual(refused, {
        code: 1,
        stdout: lines(`Deleting service ID ci-robot bound to current account as ${adminEmail}...`),
        stderr: lines(
          'FAILED',
          'The service ID is locked and cannot be changed or deleted. Unlock it first. (entity_locked, HTTP 409)',
        ),
      });
      assert.ok(await repos().serviceIds.findById(sid.id), 'still there');

      assert.deepEqual(await admin.run(['iam', 'service-id-unlock', sid.id]), {
        code: 0,
        stdout: lines(
          `Unlocking service ID ci-robot bound to current account as ${adminEmail}...`,
          'OK',
          'Service ID ci-robot is unlocked',
        ),
        stderr: '',
      });
      assert.equal((await repos().serviceIds.findById(sid.id))?.locked, 0);
    });

    it('service-api-key-create creates a key of the service ID, shows it once and saves it with --file', async () => {
      const result = await admin.run([
        'iam',
        'service-api-key-create',
        'robot-key',
        'ci-robot',
        '-d',
        'for CI',
        '--file',
        'robot-key.json',
      ]);
      assert.equal(result.code, 0, result.stderr);
      keyId = /^ID {12}(ApiKey-\S+)$/m.exec(result.stdout)?.[1] ?? '';
      const saved = JSON.parse(fs.readFileSync(keyFile(), 'utf8')) as Record<string, string>;
      const key = (await api<ApiKeyBody>(`/v1/apikeys/${keyId}`)).body;
      assert.deepEqual([key.name, key.description, key.iam_id], ['robot-key', 'for CI', sid.iam_id]);
      assert.equal((await repos().apiKeys.findById(keyId))?.owner_type, 'serviceid');
      assert.deepEqual(result, {
        code: 0,
        stdout: lines(
          `Creating API key robot-key of service ID ${sid.id} under account ${accountId} as ${adminEmail}...`,
          'OK',
          'Service ID API key robot-key is created',
          `Successfully saved API key information to ${keyFile()}`,
          '',
          "Please preserve the API key! It cannot be retrieved after it's created.",
          '',
          `ID            ${keyId}`,
          'Name          robot-key',
          'Description   for CI',
          `Created At    ${key.created_at}`,
          `API Key       ${saved['apikey']}`,
          'Locked        false',
          'Disabled      false',
        ),
        stderr: '',
      });
      assert.deepEqual(saved, {
        name: 'robot-key',
        description: 'for CI',
        apikey: saved['apikey'],
        createdAt: key.created_at,
      });
      assert.equal(fs.statSync(keyFile()).mode & 0o777, 0o600);
    });

    it('`login --apikey @FILE` with that key logs in as the service ID', async () => {
      const robot = home();
      const login = await robot.run(['login', '-a', server.url, '--apikey', `@${keyFile()}`]);
      assert.equal(login.code, 0, login.stderr);
      assert.equal(robot.session()['iamId'], sid.iam_id);
      assert.deepEqual(await robot.run(['target']), {
        code: 0,
        stdout: lines(
          `API endpoint:      ${server.url}`,
          `User:              ${sid.id}`,
          `Account:           ${accountId}`,
          "Instance:          No instance targeted, use 'vigil monitor instance-target NAME'",
          'Team:              Your default team',
        ),
        stderr: '',
      });
      const shown = jsonOf<ServiceIdBody>(await admin.run(['iam', 'service-id', 'ci-robot', '--output', 'json']));
      assert.equal(shown.activity?.authn_count, 1);
    });

    it('service-api-keys lists the service ID’s keys, in a table and as the API’s JSON', async () => {
      const result = await admin.run(['iam', 'service-api-keys', 'ci-robot']);
      assert.deepEqual(
        { ...result, stdout: masked(result.stdout) },
        {
          code: 0,
          stdout: lines(
            `Getting all API keys of service ID ci-robot under account ${accountId} as ${adminEmail}...`,
            '',
            'ID                                            Name        Description   Created At              Last Updated            Locked   Disabled',
            'ApiKey-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx   robot-key   for CI        YYYY-MM-DDThh:mm+0000   YYYY-MM-DDThh:mm+0000   false    false',
          ),
          stderr: '',
        },
      );
      assert.ok(result.stdout.includes(keyId));
      const listed = await api<ApiKeyListBody>(`/v1/apikeys?iam_id=${sid.iam_id}`);
      assert.deepEqual(
        jsonOf(await admin.run(['iam', 'service-api-keys', sid.id, '--output', 'json'])),
        listed.body.apikeys,
      );
    });

    it('service-api-key-delete -f deletes the key, which then obtains no token', async () => {
      assert.deepEqual(await admin.run(['iam', 'service-api-key-delete', 'robot-key', 'ci-robot', '-f']), {
        code: 0,
        stdout: lines(
          `Deleting API key robot-key of service ID ${sid.id} under account ${accountId} as ${adminEmail}...`,
          'OK',
          'Service ID API key robot-key is deleted',
        ),
        stderr: '',
      });
      assert.equal(await repos().apiKeys.findById(keyId), undefined);
      assert.equal((await api(`/v1/apikeys/${keyId}`)).status, 404);

      const robot = home();
      const refused = await robot.run(['login', '-a', server.url, '--apikey', `@${keyFile()}`]);
      assert.deepEqual(refused, {
        code: 1,
        stdout: lines(`API endpoint: ${server.url}`, 'Authenticating...'),
        stderr: lines('FAILED', 'Provided API key could not be found. (BXNIM0415E, HTTP 400)'),
      });
      assert.equal(fs.existsSync(robot.configFile), false);
      assert.match((await admin.run(['iam', 'service-api-keys', 'ci-robot'])).stdout, /\n\nNo API keys found\.\n$/);
    });

    it('service-id-delete -f deletes the service ID; it is then not found', async () => {
      assert.deepEqual(await admin.run(['iam', 'service-id-delete', 'ci-robot', '-f']), {
        code: 0,
        stdout: lines(
          `Deleting service ID ci-robot bound to current account as ${adminEmail}...`,
          'OK',
          'Service ID ci-robot is deleted successfully',
        ),
        stderr: '',
      });
      assert.equal(await repos().serviceIds.findById(sid.id), undefined);
      assert.equal((await api(`/v1/serviceids/${sid.id}`)).status, 404);
      assert.deepEqual(await admin.run(['iam', 'service-id', 'ci-robot']), {
        code: 1,
        stdout: '',
        stderr: lines('FAILED', "Service ID 'ci-robot' was not found: run `vigil iam service-ids`"),
      });
      assert.deepEqual(await admin.run(['iam', 'service-id', sid.id]), {
        code: 1,
        stdout: '',
        stderr: lines(
          'FAILED',
          `Unable to find object: Object type ServiceId with id ${sid.id} could not be found. (not_found, HTTP 404)`,
        ),
      });
    });
  });

  describe('errors', () => {
    it('an unknown name: exit 1 and what to run, for every command that takes one', async () => {
      for (const args of [
        ['service-id', 'nobody'],
        ['service-id-update', 'nobody', '-n', 'x'],
        ['service-id-delete', 'nobody', '-f'],
        ['service-id-lock', 'nobody'],
        ['service-api-key-create', 'k', 'nobody'],
        ['service-api-keys', 'nobody'],
        ['service-api-key-delete', 'k', 'nobody', '-f'],
      ]) {
        assert.deepEqual(await admin.run(['iam', ...args]), {
          code: 1,
          stdout: '',
          stderr: lines('FAILED', "Service ID 'nobody' was not found: run `vigil iam service-ids`"),
        });
      }
    });

    it('an ambiguous name: exit 1, nothing changed; the ID still names each one', async () => {
      const first = await createServiceId(server.app, accountId, 'twin');
      const second = await createServiceId(server.app, accountId, 'twin');
      assert.deepEqual(await admin.run(['iam', 'service-id-delete', 'twin', '-f']), {
        code: 1,
        stdout: '',
        stderr: lines(
          'FAILED',
          "More than one service ID is named 'twin': name it by its ID (`vigil iam service-ids`)",
        ),
      });
      assert.ok(await repos().serviceIds.findById(first.id));
      assert.ok(await repos().serviceIds.findById(second.id));
      const shown = await admin.run(['iam', 'service-id', second.id]);
      assert.match(shown.stdout, new RegExp(`^ID {12}${second.id}\nName {10}twin\n`));
    });

    it('a missing argument: exit 2 with the usage', async () => {
      assert.deepEqual(await admin.run(['iam', 'service-id-create']), {
        code: 2,
        stdout: '',
        stderr: lines(
          'vigil: missing NAME',
          'Usage: vigil iam service-id-create NAME [-d DESCRIPTION] [--lock] [--output json]',
        ),
      });
      assert.deepEqual(await admin.run(['iam', 'service-api-key-create', 'only-a-name']), {
        code: 2,
        stdout: '',
        stderr: lines(
          'vigil: missing SERVICE_ID',
          'Usage: vigil iam service-api-key-create NAME SERVICE_ID [-d DESCRIPTION] [--file FILE] [--lock] [--output json]',
        ),
      });
      assert.deepEqual(await admin.run(['iam', 'service-api-key-delete', 'k']), {
        code: 2,
        stdout: '',
        stderr: lines('vigil: missing SERVICE_ID', 'Usage: vigil iam service-api-key-delete NAME|ID SERVICE_ID [-f]'),
      });
      const sid = await createServiceId(server.app);
      const nothing = await admin.run(['iam', 'service-id-update', sid.id]);
      assert.deepEqual(
        [nothing.code, nothing.stderr],
        [
          2,
          lines(
            'vigil: nothing to change: give -n NAME and/or -d DESCRIPTION',
            'Usage: vigil iam service-id-update NAME|ID [-n NAME] [-d DESCRIPTION] [--output json]',
          ),
        ],
      );
      assert.equal((await repos().serviceIds.findById(sid.id))?.version, 1);
    });

    it('a delete without -f and no terminal: exit 2, nothing deleted', async () => {
      const sid = await createServiceId(server.app, accountId, 'keep-me');
      const key = await createApiKey(server.app, { iamId: sid.iamId, accountId });
      const notAsked = lines(
        'vigil: this needs a confirmation, and standard input is not a terminal: add -f to go ahead without asking',
      );
      assert.deepEqual(await admin.run(['iam', 'service-id-delete', 'keep-me'], { stdin: 'y\n' }), {
        code: 2,
        stdout: '',
        stderr: notAsked + lines('Usage: vigil iam service-id-delete NAME|ID [-f]'),
      });
      assert.deepEqual(await admin.run(['iam', 'service-api-key-delete', key.id, 'keep-me'], { stdin: 'y\n' }), {
        code: 2,
        stdout: '',
        stderr: notAsked + lines('Usage: vigil iam service-api-key-delete NAME|ID SERVICE_ID [-f]'),
      });
      assert.ok(await repos().serviceIds.findById(sid.id));
      assert.ok(await repos().apiKeys.findById(key.id));
    });

    it('service-api-key-delete refuses a key of another service ID, and an unknown key name', async () => {
      const owner = await createServiceId(server.app, accountId, 'owner-sid');
      const other = await createServiceId(server.app, accountId, 'other-sid');
      const key = await createApiKey(server.app, { iamId: owner.iamId, accountId });
      assert.deepEqual(await admin.run(['iam', 'service-api-key-delete', key.id, 'other-sid', '-f']), {
        code: 1,
        stdout: '',
        stderr: lines(
          'FAILED',
          `API key 'key-${key.id.slice(-6)}' is not a key of service ID 'other-sid': run \`vigil iam service-api-keys ${other.id}\``,
        ),
      });
      assert.deepEqual(await admin.run(['iam', 'service-api-key-delete', 'no-such-key', 'other-sid', '-f']), {
        code: 1,
        stdout: '',
        stderr: lines('FAILED', `API key 'no-such-key' was not found: run \`vigil iam service-api-keys ${other.id}\``),
      });
      assert.ok(await repos().apiKeys.findById(key.id));
    });

    it('another account’s service ID does not exist for the caller', async () => {
      const stranger = await server.app.createAccount();
      const theirs = await createServiceId(server.app, stranger.accountId, 'theirs');
      const notFound = {
        code: 1,
        stdout: '',
        stderr: lines(
          'FAILED',
          `Unable to find object: Object type ServiceId with id ${theirs.id} could not be found. (not_found, HTTP 404)`,
        ),
      };
      assert.deepEqual(await admin.run(['iam', 'service-id', theirs.id]), notFound);
      assert.deepEqual(await admin.run(['iam', 'service-id-delete', theirs.id, '-f']), notFound);
      assert.deepEqual(await admin.run(['iam', 'service-api-key-create', 'k', theirs.id]), notFound);
      assert.deepEqual(await admin.run(['iam', 'service-id', 'theirs']), {
        code: 1,
        stdout: '',
        stderr: lines('FAILED', "Service ID 'theirs' was not found: run `vigil iam service-ids`"),
      });
      assert.ok(await repos().serviceIds.findById(theirs.id));
      const theirKeys = await repos().apiKeys.list({
        accountId: stranger.accountId,
        iamId: theirs.iamId,
        sort: 'created_at',
        order: 'asc',
        offset: 0,
        limit: 10,
      });
      assert.equal(theirKeys.length, 0, 'no key was created for it');
    });

    it('a user without rights gets the server’s 403; a Viewer may read but not change', async () => {
      const user = await server.app.createUser();
      const cli = home();
      await cli.login(server, user);
      const sid = await createServiceId(server.app, accountId, 'guarded');
      const before = (
        await repos().serviceIds.list({ accountId, sort: 'created_at', order: 'asc', offset: 0, limit: 1000 })
      ).length;

      assert.deepEqual(await cli.run(['iam', 'service-ids']), {
        code: 1,
        stdout: '',
        stderr: lines('FAILED', 'You are not authorized to read service IDs. (insufficent_permissions, HTTP 403)'),
      });
      assert.deepEqual(await cli.run(['iam', 'service-id-create', 'mine']), {
        code: 1,
        stdout: lines(`Creating service ID mine bound to current account as ${user.email}...`),
        stderr: lines('FAILED', 'You are not authorized to manage service IDs. (insufficent_permissions, HTTP 403)'),
      });
      assert.deepEqual(await cli.run(['iam', 'service-id-delete', sid.id, '-f']), {
        code: 1,
        stdout: '',
        stderr: lines('FAILED', 'You are not authorized to read service IDs. (insufficent_permissions, HTTP 403)'),
      });

      await grantIdentityRole(server.app, user.iamId, 'Viewer');
      assert.equal((await cli.run(['iam', 'service-id', 'guarded'])).code, 0);
      assert.deepEqual(await cli.run(['iam', 'service-id-delete', 'guarded', '-f']), {
        code: 1,
        stdout: lines(`Deleting service ID guarded bound to current account as ${user.email}...`),
        stderr: lines('FAILED', 'You are not authorized to manage service IDs. (insufficent_permissions, HTTP 403)'),
      });
      assert.deepEqual(await cli.run(['iam', 'service-api-key-create', 'k', 'guarded']), {
        code: 1,
        stdout: lines(`Creating API key k of service ID ${sid.id} under account ${accountId} as ${user.email}...`),
        stderr: lines(
          'FAILED',
          'You are not authorized to create API keys for service IDs. (insufficent_permissions, HTTP 403)',
        ),
      });

      assert.ok(await repos().serviceIds.findById(sid.id));
      const afterCount = (
        await repos().serviceIds.list({ accountId, sort: 'created_at', order: 'asc', offset: 0, limit: 1000 })
      ).length;
      assert.equal(afterCount, before, 'nothing was created');
      assert.equal((await api<ApiKeyListBody>(`/v1/apikeys?iam_id=${sid.iamId}`)).body.apikeys.length, 0);
    });

    it('not logged in: exit 1 and how to log in', async () => {
      assert.deepEqual(await home().run(['iam', 'service-ids']), {
        code: 1,
        stdout: '',
        stderr: lines('FAILED', 'Not logged in: run `vigil login`'),
      });
    });
  });
});
