import fs from 'node:fs';
import path from 'node:path';
import type { ApiKeyBody } from '../../client/api-keys.js';
import type { VigilClient } from '../../client/vigil-client.js';
import { defineCommand, type CommandContext } from '../command.js';
import { CliError } from '../errors.js';
import { onlyMatch } from './named.js';
import { FORCE, RENAME_OPTIONS, renameChanges } from './options.js';

/**
 * An API key named by its id (`ApiKey-…`) or by its name among `owner`'s keys (the caller's by default); a name that
 * matches none, or several, is an error that says what to do.
 */
export async function resolveApiKey(client: VigilClient, nameOrId: string, owner?: string): Promise<ApiKeyBody> {
  if (nameOrId.startsWith('ApiKey-')) return client.apiKeys.get(nameOrId, { activity: true });
  const matches = (await client.apiKeys.list(owner ? { iamId: owner } : {})).filter((key) => key.name === nameOrId);
  const key = onlyMatch(matches, {
    kind: 'API key',
    name: nameOrId,
    notFoundHint: 'run `vigil iam api-keys`',
    ambiguousHint: 'name it by its ID (`vigil iam api-keys`)',
  });
  return client.apiKeys.get(key.id, { activity: true });
}

/** IBM's rows for a key, the value only right after creation. */
function printApiKey(ctx: CommandContext, key: ApiKeyBody): void {
  ctx.out.rows([
    ['ID', key.id],
    ['Name', key.name],
    ['Description', key.description ?? ''],
    ['Created At', key.created_at],
    ...(key.apikey ? ([['API Key', key.apikey]] as [string, string][]) : []),
    ['Locked', key.locked],
    ['Disabled', key.disabled],
    ...(key.expires_at ? ([['Expires At', key.expires_at]] as [string, string][]) : []),
    ...(key.activity
      ? ([
          ['Last Used', key.activity.last_authn ?? 'never'],
          ['Uses', key.activity.authn_count],
        ] as [string, string | number][])
      : []),
  ]);
}

export function printApiKeyTable(ctx: CommandContext, keys: ApiKeyBody[]): void {
  if (ctx.json) {
    ctx.out.json(keys);
    return;
  }
  ctx.out.table(
    ['ID', 'Name', 'Description', 'Created At', 'Last Updated', 'Locked', 'Disabled'],
    keys.map((key) => [
      key.id,
      key.name,
      key.description ?? '',
      key.created_at,
      key.modified_at,
      key.locked,
      key.disabled,
    ]),
    'No API keys found.',
  );
}

/**
 * `--file`: the JSON IBM's CLI writes (tab-indented `{name, description, apikey, createdAt}`), owner-only, which
 * `vigil login --apikey @FILE` reads back.
 */
function writeKeyFile(ctx: CommandContext, file: string, key: ApiKeyBody): string {
  const target = path.resolve(ctx.io.cwd, file);
  const content = { name: key.name, description: key.description ?? '', apikey: key.apikey, createdAt: key.created_at };
  try {
    fs.writeFileSync(target, `${JSON.stringify(content, null, '\t')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    const exists = (error as { code?: string }).code === 'EEXIST';
    throw new CliError(
      exists
        ? `The key was created, but ${target} already exists and was left alone`
        : `The key was created, but ${target} could not be written`,
      'copy the value printed below now; it cannot be shown again',
    );
  }
  return target;
}

/** Creates a key for `iamId` and prints it as IBM's CLI does (or its JSON). */
export async function createAndPrintKey(
  ctx: CommandContext,
  options: { iamId: string; name: string; description?: string; file?: string; lock: boolean },
  heading: { creating: string; created: string },
): Promise<void> {
  const client = ctx.client();
  if (!ctx.json) ctx.out.line(heading.creating);
  const key = await ctx.spin(
    'Creating the API key',
    client.apiKeys.create(
      {
        name: options.name,
        iam_id: options.iamId,
        ...(options.description ? { description: options.description } : {}),
      },
      { lock: options.lock },
    ),
  );
  let saved: string | undefined;
  let fileError: CliError | undefined;
  if (options.file) {
    try {
      saved = writeKeyFile(ctx, options.file, key);
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      fileError = error;
    }
  }
  if (ctx.json) {
    ctx.out.json(key);
  } else {
    ctx.out.ok();
    ctx.out.line(heading.created);
    if (saved) ctx.out.line(`Successfully saved API key information to ${saved}`);
    ctx.out.line();
    ctx.out.line("Please preserve the API key! It cannot be retrieved after it's created.");
    ctx.out.line();
    printApiKey(ctx, key);
  }
  if (fileError) throw fileError;
}

const keyCommand = (
  name: string,
  summary: string,
  action: (client: VigilClient, id: string) => Promise<void>,
  words: { doing: string; done: string },
) =>
  defineCommand({
    name: `iam ${name}`,
    summary,
    args: ['NAME|ID'],
    async run(ctx, args) {
      const client = ctx.client();
      const key = await resolveApiKey(client, args.positional(0));
      ctx.out.line(`${words.doing} API key ${key.name} as ${ctx.session().user}...`);
      await ctx.spin(words.doing, action(client, key.id));
      ctx.out.ok();
      ctx.out.line(`API key ${key.name} is ${words.done}`);
    },
  });

export const apiKeyCommands = [
  defineCommand({
    name: 'iam api-key-create',
    summary: 'Create an API key of your own (shown once)',
    args: ['NAME'],
    json: true,
    options: {
      d: { type: 'string', value: 'DESCRIPTION', description: 'A description.' },
      file: {
        type: 'string',
        value: 'FILE',
        description: 'Also save the key (JSON) to FILE, for `login --apikey @FILE`.',
      },
      lock: { type: 'boolean', description: 'Create it locked (no changes or deletion until unlocked).' },
    },
    async run(ctx, args) {
      const session = ctx.session();
      const name = args.positional(0);
      await createAndPrintKey(
        ctx,
        {
          iamId: session.iamId,
          name,
          description: args.string('d'),
          file: args.string('file'),
          lock: args.flag('lock'),
        },
        {
          creating: `Creating API key ${name} under ${session.accountId} as ${session.user}...`,
          created: `API key ${name} was created`,
        },
      );
    },
  }),
  defineCommand({
    name: 'iam api-keys',
    summary: 'List your API keys (--all: every key of the account, for administrators)',
    json: true,
    options: { all: { type: 'boolean', description: 'Every key of the account (administrators).' } },
    async run(ctx, args) {
      const session = ctx.session();
      const keys = await ctx.spin('Listing', ctx.client().apiKeys.list({ wholeAccount: args.flag('all') }));
      if (!ctx.json) ctx.out.line(`Getting all API keys of ${session.user} under account ${session.accountId}...\n`);
      printApiKeyTable(ctx, keys);
    },
  }),
  defineCommand({
    name: 'iam api-key',
    summary: 'Show one API key, with its last use',
    args: ['NAME|ID'],
    json: true,
    async run(ctx, args) {
      const key = await ctx.spin('Reading', resolveApiKey(ctx.client(), args.positional(0)));
      if (ctx.json) ctx.out.json(key);
      else printApiKey(ctx, key);
    },
  }),
  defineCommand({
    name: 'iam api-key-update',
    summary: 'Rename an API key or change its description',
    args: ['NAME|ID'],
    json: true,
    options: RENAME_OPTIONS,
    async run(ctx, args) {
      const changes = renameChanges(args);
      const client = ctx.client();
      const key = await resolveApiKey(client, args.positional(0));
      const updated = await ctx.spin('Updating', client.apiKeys.update(key.id, changes));
      if (ctx.json) {
        ctx.out.json(updated);
        return;
      }
      ctx.out.ok();
      ctx.out.line(`API key ${key.name} was updated`);
      ctx.out.line();
      printApiKey(ctx, updated);
    },
  }),
  defineCommand({
    name: 'iam api-key-delete',
    summary: 'Delete an API key (it obtains no more tokens)',
    args: ['NAME|ID'],
    options: { f: FORCE },
    async run(ctx, args) {
      const client = ctx.client();
      const key = await resolveApiKey(client, args.positional(0));
      if (!(await ctx.confirm(`Really delete API key '${key.name}' (${key.id})?`, args.flag('f')))) {
        ctx.out.line('Not deleted.');
        return;
      }
      ctx.out.line(`Deleting API key ${key.name} as ${ctx.session().user}...`);
      await ctx.spin('Deleting', client.apiKeys.delete(key.id));
      ctx.out.ok();
      ctx.out.line(`API key ${key.name} is deleted`);
    },
  }),
  keyCommand('api-key-lock', 'Lock an API key (no changes or deletion)', (c, id) => c.apiKeys.lock(id), {
    doing: 'Locking',
    done: 'locked',
  }),
  keyCommand('api-key-unlock', 'Unlock an API key', (c, id) => c.apiKeys.unlock(id), {
    doing: 'Unlocking',
    done: 'unlocked',
  }),
  keyCommand('api-key-disable', 'Disable an API key (no tokens until enabled)', (c, id) => c.apiKeys.disable(id), {
    doing: 'Disabling',
    done: 'disabled',
  }),
  keyCommand('api-key-enable', 'Enable a disabled API key', (c, id) => c.apiKeys.enable(id), {
    doing: 'Enabling',
    done: 'enabled',
  }),
];
