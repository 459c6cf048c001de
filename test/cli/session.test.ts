import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { insertInstance } from '../../src/testing/monitor-fixtures.js';
import { CliHome, jsonOf, startCliServer, type CliServer } from './cli-harness.js';

/**
 * `vigil login`, `logout`, `target` and `iam oauth-tokens`, run as the built binary against a real server: the session
 * file, IBM's output formats (the awk line of IBM's docs), renewal near expiry, and every way it can fail.
 */

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

function targetLines(url: string, user: string, account: string, instance: string): string {
  return [
    `API endpoint:      ${url}`,
    `User:              ${user}`,
    `Account:           ${account}`,
    `Instance:          ${instance}`,
    'Team:              Your default team',
    '',
  ].join('\n');
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return address.port;
}

describe('vigil login / target / logout', () => {
  let server: CliServer;
  let instanceGuid = '';
  const homes: CliHome[] = [];
  const home = () => {
    const created = new CliHome();
    homes.push(created);
    return created;
  };

  before(async () => {
    server = await startCliServer();
    instanceGuid = (await insertInstance(server.app, { name: 'default' })).instance.guid;
  });
  after(async () => {
    for (const created of homes) created.remove();
    await server.close();
  });

  it('logs in with email and password, prints the target, and keeps the session in VIGIL_HOME with mode 0600', async () => {
    const cli = home();
    const { admin } = server.app;
    assert.equal(fs.existsSync(cli.configFile), false);

    const result = await cli.run(['login', '-a', server.url, '-u', admin.email, '-p', admin.password]);

    assert.deepEqual(result, {
      code: 0,
      stdout:
        `API endpoint: ${server.url}\nAuthenticating...\nOK\n\n` +
        targetLines(server.url, admin.email, server.app.accountId, `default (${instanceGuid})`),
      stderr: '',
    });
    assert.equal(fs.statSync(cli.configFile).mode & 0o777, 0o600);
    const session = cli.session();
    assert.deepEqual(Object.keys(session).sort(), [
      'accessToken',
      'accountId',
      'endpoint',
      'expiresAt',
      'iamId',
      'instance',
      'refreshToken',
      'user',
    ]);
    assert.equal(session['iamId'], admin.iamId);
    assert.deepEqual(session['instance'], { guid: instanceGuid, name: 'default' });
    assert.ok(!JSON.stringify(session).includes(admin.password), 'the password is never saved');

    const target = await cli.run(['target']);
    assert.deepEqual(target, {
      code: 0,
      stdout: targetLines(server.url, admin.email, server.app.accountId, `default (${instanceGuid})`),
      stderr: '',
    });
    const json = jsonOf<Record<string, unknown>>(await cli.run(['target', '--output', 'json']));
    assert.deepEqual(
      { ...json, access_token_expires_at: typeof json['access_token_expires_at'] },
      {
        endpoint: server.url,
        user: admin.email,
        iam_id: admin.iamId,
        account_id: server.app.accountId,
        instance: { guid: instanceGuid, name: 'default' },
        team: null,
        access_token_expires_at: 'string',
      },
    );
  });

  it('reads the password from standard input when -p is left out and there is no terminal', async () => {
    const cli = home();
    const user = await server.app.createUser();
    const result = await cli.run(['login', '-a', server.url, '-u', user.email], { stdin: `${user.password}\n` });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(cli.session()['iamId'], user.iamId);
    // A user without access to any instance is logged in without one.
    assert.match(result.stdout, /^Instance: {10}No instance targeted, use 'vigil monitor instance-target NAME'$/m);
  });

  it('refuses a wrong password with the server’s message, exit 1, and saves nothing', async () => {
    const cli = home();
    const result = await cli.run(['login', '-a', server.url, '-u', server.app.admin.email, '-p', 'not-the-password']);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, `API endpoint: ${server.url}\nAuthenticating...\n`);
    assert.match(result.stderr, /^FAILED\n.+ \(BXNIM\d{4}E, HTTP 400\)\n$/);
    assert.equal(fs.existsSync(cli.configFile), false);
  });

  it('logs in with an API key from a file written by `iam api-key-create --file`, and from VIGIL_API_KEY', async () => {
    const admin = home();
    await admin.login(server, server.app.admin);
    const created = await admin.run(['iam', 'api-key-create', 'login-key', '--file', 'key.json']);
    assert.equal(created.code, 0, created.stderr);
    const file = JSON.parse(fs.readFileSync(`${admin.dir}/key.json`, 'utf8')) as { apikey: string };

    const byFile = home();
    const result = await byFile.run(['login', '-a', server.url, '--apikey', `@${admin.dir}/key.json`]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(byFile.session()['iamId'], server.app.admin.iamId);

    const byEnv = home();
    const fromEnv = await byEnv.run(['login', '-a', server.url], { env: { VIGIL_API_KEY: file.apikey } });
    assert.equal(fromEnv.code, 0, fromEnv.stderr);
    assert.equal(byEnv.session()['iamId'], server.app.admin.iamId);

    const wrong = home();
    const refused = await wrong.run(['login', '-a', server.url, '--apikey', `${file.apikey.slice(0, -1)}x`]);
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr, 'FAILED\nProvided API key could not be found. (BXNIM0415E, HTTP 400)\n');
    assert.equal(fs.existsSync(wrong.configFile), false);

    const missing = await wrong.run(['login', '-a', server.url, '--apikey', '@nowhere.json']);
    assert.deepEqual(
      [missing.code, missing.stderr],
      [1, `FAILED\nCannot read the API key file ${wrong.dir}/nowhere.json\n`],
    );
  });

  it('says why it cannot log in without credentials and without a terminal (exit 2)', async () => {
    const result = await home().run(['login', '-a', server.url]);
    assert.equal(result.code, 2);
    assert.equal(
      result.stderr,
      'vigil: give --apikey KEY, VIGIL_API_KEY, or -u EMAIL\n' +
        'Usage: vigil login [-a URL] [--apikey KEY|@FILE] [-u EMAIL] [-p PASSWORD]\n',
    );
  });

  it('reports a server that is not there: exit 1, the endpoint and a hint', async () => {
    const port = await closedPort();
    const result = await home().run(['login', '-a', `127.0.0.1:${port}`, '-u', 'a@example.test', '-p', 'x']);
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      `FAILED\ncannot reach vigil at http://127.0.0.1:${port}: connection refused: ` +
        'is the server running? `vigil target` shows the endpoint\n',
    );
  });

  it('logout forgets the session; then every command says to log in', async () => {
    const cli = home();
    await cli.login(server, server.app.admin);
    assert.deepEqual(await cli.run(['logout']), { code: 0, stdout: 'Logging out...\nOK\n', stderr: '' });
    assert.equal(fs.existsSync(cli.configFile), false);
    for (const args of [['target'], ['iam', 'oauth-tokens'], ['iam', 'api-keys']]) {
      assert.deepEqual(await cli.run(args), {
        code: 1,
        stdout: '',
        stderr: 'FAILED\nNot logged in: run `vigil login`\n',
      });
    }
  });
});

describe('vigil iam oauth-tokens', () => {
  let server: CliServer;
  let instanceGuid = '';
  let cli: CliHome;

  before(async () => {
    server = await startCliServer();
    instanceGuid = (await insertInstance(server.app, { name: 'default' })).instance.guid;
    cli = new CliHome();
    await cli.login(server, server.app.admin);
  });
  after(async () => {
    cli.remove();
    await server.close();
  });

  it("prints exactly `IAM token:  Bearer <JWT>`, so IBM's awk line gives a token the Monitor API accepts", async () => {
    const printed = await cli.run(['iam', 'oauth-tokens']);
    assert.equal(printed.code, 0, printed.stderr);
    assert.equal(printed.stdout, `IAM token:  Bearer ${String(cli.session()['accessToken'])}\n`);

    const piped = await cli.shell(`vigil iam oauth-tokens | awk '{print $4}'`);
    assert.equal(piped.code, 0, piped.stderr);
    const token = piped.stdout.trim();
    assert.match(token, JWT);
    assert.equal(piped.stdout, `${token}\n`);

    const response = await fetch(`${server.url}/api/user/me`, {
      headers: { authorization: `Bearer ${token}`, IBMInstanceID: instanceGuid },
    });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { user: { username: string } };
    assert.equal(body.user.username, server.app.admin.email);

    const refused = await fetch(`${server.url}/api/user/me`, {
      headers: { authorization: `Bearer ${token.slice(0, -2)}xx`, IBMInstanceID: instanceGuid },
    });
    assert.equal(refused.status, 401);
  });

  it('--output json prints {"iam_token":"Bearer <JWT>"}', async () => {
    const json = jsonOf<Record<string, string>>(await cli.run(['iam', 'oauth-tokens', '--output', 'json']));
    assert.deepEqual(json, { iam_token: `Bearer ${String(cli.session()['accessToken'])}` });
    const viaJq = await cli.shell(
      `vigil iam oauth-tokens --output json | node -e "process.stdin.on('data', d => process.stdout.write(JSON.parse(d).iam_token))"`,
    );
    assert.match(viaJq.stdout, /^Bearer [A-Za-z0-9_.-]+$/);
  });

  it('renews the session with the refresh token when the access token is near expiry (single use: it rotates)', async () => {
    const before = cli.session();
    fs.writeFileSync(cli.configFile, JSON.stringify({ ...before, expiresAt: Math.floor(Date.now() / 1000) + 60 }));

    const result = await cli.run(['iam', 'oauth-tokens']);

    assert.equal(result.code, 0, result.stderr);
    const after = cli.session();
    assert.notEqual(after['accessToken'], before['accessToken']);
    assert.notEqual(after['refreshToken'], before['refreshToken']);
    assert.ok(Number(after['expiresAt']) > Math.floor(Date.now() / 1000) + 3000);
    assert.deepEqual(after['instance'], before['instance'], 'the target survives a renewal');
    assert.equal(result.stdout, `IAM token:  Bearer ${String(after['accessToken'])}\n`);
    assert.equal(fs.statSync(cli.configFile).mode & 0o777, 0o600);
  });

  it('an expired session whose refresh token is refused says to log in again (exit 1) and keeps the file', async () => {
    const current = cli.session();
    const used = { ...current, expiresAt: Math.floor(Date.now() / 1000) - 10 };
    // Renew once, so that the saved refresh token is a used one.
    fs.writeFileSync(cli.configFile, JSON.stringify(used));
    assert.equal((await cli.run(['iam', 'oauth-tokens'])).code, 0);
    fs.writeFileSync(cli.configFile, JSON.stringify(used));

    const result = await cli.run(['iam', 'oauth-tokens']);

    assert.deepEqual(result, {
      code: 1,
      stdout: '',
      stderr:
        'FAILED\nThe session has expired and could not be renewed (Provided refresh token is invalid.): run `vigil login`\n',
    });
    assert.deepEqual(cli.session(), used);
  });
});

describe('vigil: usage, help, version, completion', () => {
  const cli = new CliHome();
  after(() => cli.remove());

  it('prints its version and help', async () => {
    const version = await cli.run(['--version']);
    const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    assert.deepEqual(version, { code: 0, stdout: `vigil version ${pkg.version}\n`, stderr: '' });
    const help = await cli.run(['help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^ {2}iam oauth-tokens {3,}Print an IAM access token for scripts/m);
    const command = await cli.run(['help', 'iam', 'api-key-create']);
    assert.equal(command.code, 0);
    assert.match(
      command.stdout,
      /^USAGE:\n {2}vigil iam api-key-create NAME \[-d DESCRIPTION\] \[--file FILE\] \[--lock\] \[--output json\]$/m,
    );
    assert.deepEqual(await cli.run(['iam', 'api-key-create', '--help']), command);
  });

  it('answers a wrong command line with exit 2, the reason and the usage', async () => {
    assert.deepEqual(await cli.run(['iam', 'nope']), {
      code: 2,
      stdout: '',
      stderr: "vigil: 'vigil iam nope' is not a command: run `vigil help`\n",
    });
    assert.deepEqual(await cli.run(['iam', 'api-key-create']), {
      code: 2,
      stdout: '',
      stderr:
        'vigil: missing NAME\nUsage: vigil iam api-key-create NAME [-d DESCRIPTION] [--file FILE] [--lock] [--output json]\n',
    });
    const unknownOption = await cli.run(['iam', 'api-keys', '--colour']);
    assert.equal(unknownOption.code, 2);
    assert.match(unknownOption.stderr, /^vigil: Unknown option '--colour'/);
    assert.deepEqual(await cli.run(['logout', 'extra']), {
      code: 2,
      stdout: '',
      stderr: "vigil: unexpected argument 'extra'\nUsage: vigil logout\n",
    });
  });

  it('prints bash and zsh completion scripts that the shells accept', async () => {
    const bash = await cli.run(['completion', 'bash']);
    assert.equal(bash.code, 0);
    assert.match(bash.stdout, /complete -o default -F _vigil vigil/);
    assert.match(bash.stdout, /api-key-create/);
    fs.writeFileSync(`${cli.dir}/vigil.bash`, bash.stdout);
    const check = await cli.shell(
      `bash -n ${cli.dir}/vigil.bash && bash -c 'source ${cli.dir}/vigil.bash; COMP_WORDS=(vigil iam api-k); COMP_CWORD=2; _vigil; echo "\${COMPREPLY[@]}"'`,
    );
    assert.equal(check.code, 0, check.stderr);
    assert.deepEqual(check.stdout.trim().split(' ').sort(), [
      'api-key',
      'api-key-create',
      'api-key-delete',
      'api-key-disable',
      'api-key-enable',
      'api-key-lock',
      'api-key-unlock',
      'api-key-update',
      'api-keys',
    ]);
    const zsh = await cli.run(['completion', 'zsh']);
    assert.equal(zsh.code, 0);
    assert.match(zsh.stdout, /^#compdef vigil\n/);
    assert.deepEqual(await cli.run(['completion', 'fish']), {
      code: 2,
      stdout: '',
      stderr: "vigil: completion for 'bash' or 'zsh', not 'fish'\nUsage: vigil completion bash|zsh\n",
    });
  });
});
