import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { bearer, type TestUser } from '../../src/testing/test-app.js';
import { CliHome, jsonOf, startCliServer, type CliServer } from './cli-harness.js';

/** `vigil iam api-key*`: the whole lifecycle of a user's own keys through the built binary, and each way it fails. */

interface KeyJson {
  id: string;
  name: string;
  description?: string;
  locked: boolean;
  disabled: boolean;
  created_at: string;
  apikey?: string;
  iam_id: string;
}

const IBM_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d\+0000$/;

describe('vigil iam api-key-*', () => {
  let server: CliServer;
  let cli: CliHome;
  let other: CliHome;
  let user: TestUser;

  /** The key as the API shows it to its owner, or the status when it cannot. */
  const apiKey = async (id: string, owner: TestUser = user) => {
    const response = await server.app.http.inject({ url: `/v1/apikeys/${id}`, headers: bearer(await owner.token()) });
    return response.statusCode === 200 ? (response.json() as KeyJson) : response.statusCode;
  };

  before(async () => {
    server = await startCliServer();
    user = await server.app.createUser();
    cli = new CliHome();
    other = new CliHome();
    await cli.login(server, user);
  });
  after(async () => {
    cli.remove();
    other.remove();
    await server.close();
  });

  it("creates a key and prints IBM's rows with the value once; --file saves the JSON owner-only", async () => {
    const result = await cli.run(['iam', 'api-key-create', 'deploy', '-d', 'for deploys', '--file', 'deploy.json']);

    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.split('\n');
    const id = /^ID {12}(ApiKey-[0-9a-f-]{36})$/.exec(lines[7] ?? '')?.[1];
    const value = /^API Key {7}(vigil_ak_\w+)$/.exec(lines[11] ?? '')?.[1];
    assert.ok(id && value, result.stdout);
    const created = await apiKey(id);
    assert.ok(typeof created === 'object');
    assert.match(created.created_at, IBM_TIME);
    assert.deepEqual(lines, [
      `Creating API key deploy under ${user.accountId} as ${user.email}...`,
      'OK',
      'API key deploy was created',
      `Successfully saved API key information to ${cli.dir}/deploy.json`,
      '',
      "Please preserve the API key! It cannot be retrieved after it's created.",
      '',
      `ID            ${id}`,
      'Name          deploy',
      'Description   for deploys',
      `Created At    ${created.created_at}`,
      `API Key       ${value}`,
      'Locked        false',
      'Disabled      false',
      '',
    ]);
    assert.deepEqual([created.name, created.iam_id, created.apikey], ['deploy', user.iamId, undefined]);
    assert.equal(fs.statSync(`${cli.dir}/deploy.json`).mode & 0o777, 0o600);
    assert.equal(
      fs.readFileSync(`${cli.dir}/deploy.json`, 'utf8'),
      `{\n\t"name": "deploy",\n\t"description": "for deploys",\n\t"apikey": "${value}",\n\t"createdAt": "${created.created_at}"\n}\n`,
    );

    // The saved value works at the token endpoint.
    const login = await other.run(['login', '-a', server.url, '--apikey', `@${cli.dir}/deploy.json`]);
    assert.equal(login.code, 0, login.stderr);
    assert.equal(other.session()['iamId'], user.iamId);
  });

  it('--output json prints the API response, value included; --lock creates it locked', async () => {
    const key = jsonOf<KeyJson>(await cli.run(['iam', 'api-key-create', 'locked-one', '--lock', '--output', 'json']));
    assert.match(key.apikey ?? '', /^vigil_ak_/);
    assert.equal(key.locked, true);
    const stored = await apiKey(key.id);
    assert.ok(typeof stored === 'object');
    assert.equal(stored.locked, true);
  });

  it('lists the keys (table and JSON) without values', async () => {
    const listed = await cli.run(['iam', 'api-keys']);
    assert.equal(listed.code, 0, listed.stderr);
    const lines = listed.stdout.trimEnd().split('\n');
    assert.equal(lines[0], `Getting all API keys of ${user.email} under account ${user.accountId}...`);
    assert.equal(lines[1], '');
    assert.match(
      lines[2] ?? '',
      /^ID {3,}Name {3,}Description {3,}Created At {3,}Last Updated {3,}Locked {3,}Disabled$/,
    );
    assert.deepEqual(
      lines.slice(3).map((line) => line.split(/ {3,}/).slice(1, 3)),
      [
        ['deploy', 'for deploys'],
        ['locked-one', '-'],
      ],
    );
    assert.ok(!listed.stdout.includes('vigil_ak_'));
    const json = jsonOf<KeyJson[]>(await cli.run(['iam', 'api-keys', '--output', 'json']));
    assert.deepEqual(
      json.map((key) => [key.name, key.apikey]),
      [
        ['deploy', undefined],
        ['locked-one', undefined],
      ],
    );
  });

  it('shows one key by name or id, with its last use', async () => {
    const byName = await cli.run(['iam', 'api-key', 'deploy']);
    assert.equal(byName.code, 0, byName.stderr);
    assert.match(byName.stdout, /^Last Used {5}\d{4}-\d\d-\d\dT\d\d:\d\d\+0000\nUses {10}1\n$/m);
    const id = /^ID {12}(\S+)$/m.exec(byName.stdout)?.[1] ?? '';
    assert.deepEqual(await cli.run(['iam', 'api-key', id]), byName);
  });

  it('renames and re-describes a key (If-Match handled), and says when there is nothing to change', async () => {
    const updated = await cli.run(['iam', 'api-key-update', 'deploy', '-n', 'deploy-2', '-d', 'renamed']);
    assert.equal(updated.code, 0, updated.stderr);
    assert.match(
      updated.stdout,
      /^OK\nAPI key deploy was updated\n\nID {12}ApiKey-\S+\nName {10}deploy-2\nDescription {3}renamed\n/,
    );
    const nothing = await cli.run(['iam', 'api-key-update', 'deploy-2']);
    assert.deepEqual(
      [nothing.code, nothing.stderr],
      [
        2,
        'vigil: nothing to change: give -n NAME and/or -d DESCRIPTION\n' +
          'Usage: vigil iam api-key-update NAME|ID [-n NAME] [-d DESCRIPTION] [--output json]\n',
      ],
    );
  });

  it('a locked key cannot be deleted (server message); unlock, disable (no tokens), enable, then delete', async () => {
    const locked = jsonOf<KeyJson[]>(await cli.run(['iam', 'api-keys', '--output', 'json'])).find(
      (key) => key.name === 'locked-one',
    );
    assert.ok(locked);
    const refused = await cli.run(['iam', 'api-key-delete', 'locked-one', '-f']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^FAILED\n.+ \(\w+, HTTP 409\)\n$/);
    assert.ok(typeof (await apiKey(locked.id)) === 'object', 'still there');

    const unlock = await cli.run(['iam', 'api-key-unlock', 'locked-one']);
    assert.deepEqual(unlock, {
      code: 0,
      stdout: `Unlocking API key locked-one as ${user.email}...\nOK\nAPI key locked-one is unlocked\n`,
      stderr: '',
    });

    const deploy = jsonOf<KeyJson[]>(await cli.run(['iam', 'api-keys', '--output', 'json'])).find(
      (key) => key.name === 'deploy-2',
    );
    assert.ok(deploy);
    assert.equal((await cli.run(['iam', 'api-key-disable', 'deploy-2'])).code, 0);
    const noToken = await other.run(['login', '--apikey', `@${cli.dir}/deploy.json`]);
    assert.equal(noToken.code, 1);
    assert.match(noToken.stderr, /^FAILED\n.+ \(BXNIM\d{4}E, HTTP 400\)\n$/);
    assert.equal((await cli.run(['iam', 'api-key-enable', 'deploy-2'])).code, 0);
    assert.equal((await other.run(['login', '--apikey', `@${cli.dir}/deploy.json`])).code, 0);

    const deleted = await cli.run(['iam', 'api-key-delete', 'locked-one', '-f']);
    assert.deepEqual(deleted, {
      code: 0,
      stdout: `Deleting API key locked-one as ${user.email}...\nOK\nAPI key locked-one is deleted\n`,
      stderr: '',
    });
    assert.equal(await apiKey(locked.id), 404);
  });

  it('refuses to delete without -f when there is no terminal to ask on (exit 2, the key stays)', async () => {
    const result = await cli.run(['iam', 'api-key-delete', 'deploy-2']);
    assert.deepEqual(result, {
      code: 2,
      stdout: '',
      stderr:
        'vigil: this needs a confirmation, and standard input is not a terminal: add -f to go ahead without asking\n' +
        'Usage: vigil iam api-key-delete NAME|ID [-f]\n',
    });
    const keys = jsonOf<KeyJson[]>(await cli.run(['iam', 'api-keys', '--output', 'json']));
    assert.deepEqual(
      keys.map((key) => key.name),
      ['deploy-2'],
    );
  });

  it('names: unknown and ambiguous names are errors that say what to do; an id of another account is not found', async () => {
    assert.deepEqual(await cli.run(['iam', 'api-key', 'nope']), {
      code: 1,
      stdout: '',
      stderr: "FAILED\nAPI key 'nope' was not found: run `vigil iam api-keys`\n",
    });
    assert.equal((await cli.run(['iam', 'api-key-create', 'twin'])).code, 0);
    assert.equal((await cli.run(['iam', 'api-key-create', 'twin'])).code, 0);
    assert.deepEqual(await cli.run(['iam', 'api-key-delete', 'twin', '-f']), {
      code: 1,
      stdout: '',
      stderr: "FAILED\nMore than one API key is named 'twin': name it by its ID (`vigil iam api-keys`)\n",
    });

    const stranger = await server.app.createAccount();
    const theirs = new CliHome();
    try {
      await theirs.login(server, stranger);
      const key = jsonOf<KeyJson>(await theirs.run(['iam', 'api-key-create', 'theirs', '--output', 'json']));
      const result = await cli.run(['iam', 'api-key-delete', key.id, '-f']);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /^FAILED\n.+ \(\w+, HTTP 404\)\n$/);
      assert.ok(typeof (await apiKey(key.id, stranger)) === 'object', 'their key is untouched');
    } finally {
      theirs.remove();
    }
  });

  it('--all lists every key of the account for an administrator, and is refused to anyone else', async () => {
    const admin = new CliHome();
    try {
      await admin.login(server, server.app.admin);
      const all = jsonOf<KeyJson[]>(await admin.run(['iam', 'api-keys', '--all', '--output', 'json']));
      assert.ok(all.some((key) => key.iam_id === user.iamId && key.name === 'deploy-2'));
      const refused = await cli.run(['iam', 'api-keys', '--all']);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /^FAILED\n.+ \(\w+, HTTP 403\)\n$/);
    } finally {
      admin.remove();
    }
  });
});
