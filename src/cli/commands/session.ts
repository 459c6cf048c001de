import fs from 'node:fs';
import path from 'node:path';
import type { TokenResponse } from '../../client/identity.js';
import type { VigilClient } from '../../client/vigil-client.js';
import { defineCommand, type CommandContext } from '../command.js';
import { CliError, UsageError } from '../errors.js';
import { sessionFrom } from '../session-auth.js';
import type { Session } from '../session.js';

const DEFAULT_ENDPOINT = 'http://127.0.0.1:8080';

/** `-a localhost:8080` → `http://localhost:8080`; a host without a scheme is https unless it is local. */
function normaliseEndpoint(raw: string): string {
  const trimmed = raw.trim().replace(/\/+$/, '');
  if (/^https?:\/\//i.test(trimmed)) return trimmed;
  const local = /^(localhost|127\.|\[::1\]|0\.0\.0\.0)/i.test(trimmed);
  return `${local ? 'http' : 'https'}://${trimmed}`;
}

/** `--apikey KEY`, or `--apikey @FILE`: the JSON `api-key-create --file` writes (its `apikey`), or the bare key. */
function apiKeyFrom(ctx: CommandContext, value: string): string {
  if (!value.startsWith('@')) return value.trim();
  const file = path.resolve(ctx.io.cwd, value.slice(1));
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new CliError(`Cannot read the API key file ${file}`);
  }
  try {
    const parsed = JSON.parse(text) as { apikey?: unknown };
    if (typeof parsed.apikey === 'string' && parsed.apikey !== '') return parsed.apikey;
    throw new CliError(`The API key file ${file} has no "apikey" field`);
  } catch (error) {
    if (error instanceof CliError) throw error;
    return text.trim();
  }
}

/** Keeps the instance targeted before when it still exists, else `default`, else the first one the user can see. */
async function chooseInstance(client: VigilClient, previous: Session['instance']): Promise<Session['instance']> {
  try {
    const instances = await client.instances.list();
    const chosen =
      instances.find((instance) => instance.guid === previous?.guid) ??
      instances.find((instance) => instance.name === 'default') ??
      instances[0];
    return chosen ? { guid: chosen.guid, name: chosen.name } : undefined;
  } catch {
    return undefined;
  }
}

export function printTarget(ctx: CommandContext, session: Session): void {
  ctx.out.rows(
    [
      ['API endpoint:', session.endpoint],
      ['User:', session.user],
      ['Account:', session.accountId],
      [
        'Instance:',
        session.instance
          ? `${session.instance.name} (${session.instance.guid})`
          : "No instance targeted, use 'vigil monitor instance-target NAME'",
      ],
      ['Team:', session.team ? `${session.team.name} (${session.team.id})` : 'Your default team'],
    ],
    19,
  );
}

export const login = defineCommand({
  name: 'login',
  summary: 'Log in with an API key or with email and password',
  options: {
    a: {
      type: 'string',
      value: 'URL',
      description: `The vigil endpoint (default: the last one, else ${DEFAULT_ENDPOINT}).`,
    },
    apikey: {
      type: 'string',
      value: 'KEY|@FILE',
      description: 'An API key, or @FILE: a file `api-key-create --file` wrote.',
    },
    u: { type: 'string', value: 'EMAIL', description: 'Your email (password login).' },
    p: { type: 'string', value: 'PASSWORD', description: 'Your password; asked for on a terminal when left out.' },
  },
  details:
    'The API key can also come from VIGIL_API_KEY. Without -p, the password is asked for on a terminal, or read from\n' +
    'the first line of standard input (`vigil login -u me@example.com < password.txt`).\n' +
    'The session (endpoint, refresh token, targeted instance) is kept in ~/.vigil/config.json, or $VIGIL_HOME, mode 0600.',
  async run(ctx, args) {
    const previous = ctx.sessions.load();
    const raw = args.string('a');
    const endpoint = normaliseEndpoint(raw ?? previous?.endpoint ?? DEFAULT_ENDPOINT);
    const apikeyOption = args.string('apikey') ?? (args.string('u') ? undefined : ctx.io.env['VIGIL_API_KEY']);
    let email = args.string('u');
    if (apikeyOption === undefined && email === undefined) {
      if (!ctx.io.stdin.isTTY) throw new UsageError('give --apikey KEY, VIGIL_API_KEY, or -u EMAIL');
      email = (await ctx.ask('Email> ')).trim();
    }
    const client = ctx.anonymousClient(endpoint);
    ctx.out.line(`API endpoint: ${endpoint}`);
    let tokens: TokenResponse;
    if (apikeyOption !== undefined) {
      const apikey = apiKeyFrom(ctx, apikeyOption);
      if (apikey === '') throw new UsageError('the API key is empty');
      ctx.out.line('Authenticating...');
      tokens = await ctx.spin('Authenticating', client.identity.apiKeyGrant(apikey));
    } else {
      const password = args.string('p') ?? (await ctx.readSecret('Password> '));
      if (password === '') throw new UsageError('no password given: use -p, a terminal, or standard input');
      ctx.out.line('Authenticating...');
      tokens = await ctx.spin('Authenticating', client.identity.passwordGrant(email ?? '', password));
    }
    const fresh = sessionFrom(endpoint, tokens, previous);
    ctx.saveSession(fresh);
    const instance = await chooseInstance(ctx.client(), fresh.instance);
    const session: Session = {
      ...fresh,
      instance,
      team: instance?.guid === fresh.instance?.guid ? fresh.team : undefined,
    };
    ctx.saveSession(session);
    ctx.out.ok();
    ctx.out.line();
    printTarget(ctx, session);
  },
});

export const logout = defineCommand({
  name: 'logout',
  summary: 'Forget the session',
  async run(ctx) {
    ctx.out.line('Logging out...');
    ctx.sessions.clear();
    ctx.out.ok();
  },
});

export const target = defineCommand({
  name: 'target',
  summary: 'Show the endpoint, user, account, instance and team in use',
  json: true,
  async run(ctx) {
    const session = ctx.session();
    if (ctx.json) {
      ctx.out.json({
        endpoint: session.endpoint,
        user: session.user,
        iam_id: session.iamId,
        account_id: session.accountId,
        instance: session.instance ?? null,
        team: session.team ?? null,
        access_token_expires_at: new Date(session.expiresAt * 1000).toISOString(),
      });
      return;
    }
    printTarget(ctx, session);
  },
});

export const oauthTokens = defineCommand({
  name: 'iam oauth-tokens',
  summary: 'Print an IAM access token for scripts (renewed when near expiry)',
  json: true,
  details:
    "Prints `IAM token:  Bearer <JWT>`, so that `vigil iam oauth-tokens | awk '{print $4}'` is the bare token;\n" +
    'with --output json, {"iam_token":"Bearer <JWT>"} (`jq -r .iam_token`).',
  async run(ctx) {
    const token = await ctx.spin('Renewing the session', ctx.accessToken());
    if (ctx.json) ctx.out.json({ iam_token: `Bearer ${token}` });
    else ctx.out.line(`IAM token:  Bearer ${token}`);
  },
});
