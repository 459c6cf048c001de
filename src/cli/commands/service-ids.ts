import type { ServiceIdBody } from '../../client/service-ids.js';
import type { VigilClient } from '../../client/vigil-client.js';
import { defineCommand, type CommandContext } from '../command.js';
import { CliError } from '../errors.js';
import { createAndPrintKey, printApiKeyTable, resolveApiKey } from './api-keys.js';
import { onlyMatch } from './named.js';
import { FORCE, RENAME_OPTIONS, renameChanges } from './options.js';

const LIST_HINT = 'run `vigil iam service-ids`';

/**
 * A service ID named by its id (`ServiceId-…`) or by its name among the account's service IDs; a name that matches
 * none, or several, is an error that says what to do.
 */
export async function resolveServiceId(
  ctx: CommandContext,
  client: VigilClient,
  nameOrId: string,
  options: { activity?: boolean } = {},
): Promise<ServiceIdBody> {
  if (nameOrId.startsWith('ServiceId-')) return client.serviceIds.get(nameOrId, options);
  const matches = await client.serviceIds.list(ctx.session().accountId, { name: nameOrId });
  const serviceId = onlyMatch(matches, {
    kind: 'service ID',
    name: nameOrId,
    notFoundHint: LIST_HINT,
    ambiguousHint: 'name it by its ID (`vigil iam service-ids`)',
  });
  return options.activity ? client.serviceIds.get(serviceId.id, options) : serviceId;
}

/** IBM's rows for a service ID (`Version` is its entity_tag). */
function printServiceId(ctx: CommandContext, serviceId: ServiceIdBody, details = false): void {
  ctx.out.rows([
    ['ID', serviceId.id],
    ['Name', serviceId.name],
    ['Description', serviceId.description ?? ''],
    ['CRN', serviceId.crn],
    ['Version', serviceId.entity_tag],
    ['Locked', serviceId.locked],
    ...(details
      ? ([
          ['IAM ID', serviceId.iam_id],
          ['Created At', serviceId.created_at],
          ['Last Updated', serviceId.modified_at],
        ] as [string, string][])
      : []),
    ...(serviceId.activity
      ? ([
          ['Last Used', serviceId.activity.last_authn ?? 'never'],
          ['Uses', serviceId.activity.authn_count],
        ] as [string, string | number][])
      : []),
  ]);
}

/** `Locking service ID x bound to current account as me...` / OK / `Service ID x is locked`. */
const lockCommand = (name: string, summary: string, locked: boolean) =>
  defineCommand({
    name: `iam ${name}`,
    summary,
    args: ['NAME|ID'],
    async run(ctx, args) {
      const client = ctx.client();
      const serviceId = await resolveServiceId(ctx, client, args.positional(0));
      const doing = locked ? 'Locking' : 'Unlocking';
      ctx.out.line(`${doing} service ID ${serviceId.name} bound to current account as ${ctx.session().user}...`);
      await ctx.spin(doing, locked ? client.serviceIds.lock(serviceId.id) : client.serviceIds.unlock(serviceId.id));
      ctx.out.ok();
      ctx.out.line(`Service ID ${serviceId.name} is ${locked ? 'locked' : 'unlocked'}`);
    },
  });

const idCommands = [
  defineCommand({
    name: 'iam service-id-create',
    summary: 'Create a service ID: an identity for an application, with API keys of its own',
    args: ['NAME'],
    json: true,
    options: {
      d: { type: 'string', value: 'DESCRIPTION', description: 'A description.' },
      lock: { type: 'boolean', description: 'Create it locked (no changes or deletion until unlocked).' },
    },
    async run(ctx, args) {
      const session = ctx.session();
      const name = args.positional(0);
      const description = args.string('d');
      if (!ctx.json) ctx.out.line(`Creating service ID ${name} bound to current account as ${session.user}...`);
      const body = { account_id: session.accountId, name, ...(description !== undefined ? { description } : {}) };
      const created = await ctx.spin(
        'Creating the service ID',
        ctx.client().serviceIds.create(body, { lock: args.flag('lock') }),
      );
      if (ctx.json) {
        ctx.out.json(created);
        return;
      }
      ctx.out.ok();
      ctx.out.line(`Service ID ${name} is created successfully`);
      ctx.out.line();
      printServiceId(ctx, created);
    },
  }),
  defineCommand({
    name: 'iam service-ids',
    summary: 'List the service IDs of the account',
    json: true,
    async run(ctx) {
      const session = ctx.session();
      const serviceIds = await ctx.spin('Listing', ctx.client().serviceIds.list(session.accountId));
      if (ctx.json) {
        ctx.out.json(serviceIds);
        return;
      }
      ctx.out.line(`Getting all service IDs bound to current account as ${session.user}...\n`);
      ctx.out.table(
        ['ID', 'Name', 'Description', 'Created At', 'Last Updated', 'Locked'],
        serviceIds.map((sid) => [sid.id, sid.name, sid.description ?? '', sid.created_at, sid.modified_at, sid.locked]),
        'No service IDs found.',
      );
    },
  }),
  defineCommand({
    name: 'iam service-id',
    summary: 'Show one service ID, with the last use of its API keys',
    args: ['NAME|ID'],
    json: true,
    async run(ctx, args) {
      const serviceId = await ctx.spin(
        'Reading',
        resolveServiceId(ctx, ctx.client(), args.positional(0), { activity: true }),
      );
      if (ctx.json) ctx.out.json(serviceId);
      else printServiceId(ctx, serviceId, true);
    },
  }),
  defineCommand({
    name: 'iam service-id-update',
    summary: 'Rename a service ID or change its description',
    args: ['NAME|ID'],
    json: true,
    options: RENAME_OPTIONS,
    async run(ctx, args) {
      const changes = renameChanges(args);
      const client = ctx.client();
      const serviceId = await resolveServiceId(ctx, client, args.positional(0));
      if (!ctx.json) {
        ctx.out.line(`Updating service ID ${serviceId.name} bound to current account as ${ctx.session().user}...`);
      }
      const updated = await ctx.spin('Updating', client.serviceIds.update(serviceId.id, changes));
      if (ctx.json) {
        ctx.out.json(updated);
        return;
      }
      ctx.out.ok();
      ctx.out.line(`Service ID ${updated.name} is updated successfully`);
      ctx.out.line();
      printServiceId(ctx, updated);
    },
  }),
  defineCommand({
    name: 'iam service-id-delete',
    summary: 'Delete a service ID with its API keys and policies',
    args: ['NAME|ID'],
    options: { f: FORCE },
    async run(ctx, args) {
      const client = ctx.client();
      const serviceId = await resolveServiceId(ctx, client, args.positional(0));
      const question = `Really delete service ID '${serviceId.name}' (${serviceId.id}) with its API keys and policies?`;
      if (!(await ctx.confirm(question, args.flag('f')))) {
        ctx.out.line('Not deleted.');
        return;
      }
      ctx.out.line(`Deleting service ID ${serviceId.name} bound to current account as ${ctx.session().user}...`);
      await ctx.spin('Deleting', client.serviceIds.delete(serviceId.id));
      ctx.out.ok();
      ctx.out.line(`Service ID ${serviceId.name} is deleted successfully`);
    },
  }),
  lockCommand('service-id-lock', 'Lock a service ID (no changes or deletion; its keys still work)', true),
  lockCommand('service-id-unlock', 'Unlock a service ID', false),
];

const keyCommands = [
  defineCommand({
    name: 'iam service-api-key-create',
    summary: 'Create an API key of a service ID (shown once): log in with it to act as the service ID',
    args: ['NAME', 'SERVICE_ID'],
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
      const serviceId = await resolveServiceId(ctx, ctx.client(), args.positional(1));
      await createAndPrintKey(
        ctx,
        {
          iamId: serviceId.iam_id,
          name,
          description: args.string('d'),
          file: args.string('file'),
          lock: args.flag('lock'),
        },
        {
          creating: `Creating API key ${name} of service ID ${serviceId.id} under account ${session.accountId} as ${session.user}...`,
          created: `Service ID API key ${name} is created`,
        },
      );
    },
  }),
  defineCommand({
    name: 'iam service-api-keys',
    summary: "List a service ID's API keys",
    args: ['SERVICE_ID'],
    json: true,
    async run(ctx, args) {
      const session = ctx.session();
      const client = ctx.client();
      const serviceId = await resolveServiceId(ctx, client, args.positional(0));
      const keys = await ctx.spin('Listing', client.apiKeys.list({ iamId: serviceId.iam_id }));
      if (!ctx.json) {
        ctx.out.line(
          `Getting all API keys of service ID ${serviceId.name} under account ${session.accountId} as ${session.user}...\n`,
        );
      }
      printApiKeyTable(ctx, keys);
    },
  }),
  defineCommand({
    name: 'iam service-api-key-delete',
    summary: 'Delete an API key of a service ID (it obtains no more tokens)',
    args: ['NAME|ID', 'SERVICE_ID'],
    options: { f: FORCE },
    async run(ctx, args) {
      const session = ctx.session();
      const client = ctx.client();
      const serviceId = await resolveServiceId(ctx, client, args.positional(1));
      const key = await resolveApiKey(client, args.positional(0), serviceId.iam_id).catch((error: unknown) => {
        // The same words, but the listing that helps is this service ID's, not the caller's own keys.
        throw error instanceof CliError
          ? new CliError(error.message, `run \`vigil iam service-api-keys ${serviceId.id}\``)
          : error;
      });
      if (key.iam_id !== serviceId.iam_id) {
        throw new CliError(
          `API key '${key.name}' is not a key of service ID '${serviceId.name}'`,
          `run \`vigil iam service-api-keys ${serviceId.id}\``,
        );
      }
      const question = `Really delete API key '${key.name}' (${key.id}) of service ID '${serviceId.name}'?`;
      if (!(await ctx.confirm(question, args.flag('f')))) {
        ctx.out.line('Not deleted.');
        return;
      }
      ctx.out.line(
        `Deleting API key ${key.name} of service ID ${serviceId.id} under account ${session.accountId} as ${session.user}...`,
      );
      await ctx.spin('Deleting', client.apiKeys.delete(key.id));
      ctx.out.ok();
      ctx.out.line(`Service ID API key ${key.name} is deleted`);
    },
  }),
];

export const serviceIdCommands = [...idCommands, ...keyCommands];
