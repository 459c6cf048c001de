import type { PolicyBody, PolicyWire, VersionedPolicy } from '../../client/policies.js';
import type { VigilClient } from '../../client/vigil-client.js';
import { defineCommand, type Args, type CommandContext, type OptionSpec } from '../command.js';
import { CliError, UsageError } from '../errors.js';
import { resolveUser } from './users.js';
import { FORCE } from './options.js';
import { resolveServiceId } from './service-ids.js';

const POLICY_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  roles: {
    type: 'string',
    value: 'ROLE[,ROLE]',
    description: 'Roles by name: Viewer, Operator, Editor, Administrator, Reader, Writer, Manager.',
    required: true,
  },
  'service-name': { type: 'string', value: 'NAME', description: 'The service, e.g. sysdig-monitor.', required: true },
  'service-instance': { type: 'string', value: 'GUID', description: 'Only this instance of the service.' },
  attributes: {
    type: 'string',
    value: 'NAME=VALUE[,NAME=VALUE]',
    description: 'More resource attributes, e.g. sysdigTeam=TEAM_ID.',
  },
};

/** `--attributes sysdigTeam=5,region=eu`, as resource attributes. */
function attributesOf(raw: string | undefined): { name: string; value: string }[] {
  if (raw === undefined) return [];
  return raw.split(',').map((pair) => {
    const at = pair.indexOf('=');
    const name = pair.slice(0, Math.max(at, 0)).trim();
    const value = pair.slice(at + 1).trim();
    if (at < 0 || name === '' || value === '') {
      throw new UsageError(`--attributes takes NAME=VALUE[,NAME=VALUE], not '${pair}'`);
    }
    return { name, value };
  });
}

/** The role CRNs for role names, from the server's catalog of the roles that mean something on `serviceName`. */
async function roleIdsOf(client: VigilClient, serviceName: string, names: readonly string[]): Promise<string[]> {
  const catalog = await client.policies.roles(serviceName);
  const known = [...catalog.system_roles, ...catalog.service_roles];
  return names.map((name) => {
    const role = known.find((candidate) => candidate.display_name.toLowerCase() === name.toLowerCase());
    if (!role) {
      const valid = known.map((candidate) => candidate.display_name).join(', ');
      throw new CliError(`Role '${name}' is not a role of ${serviceName}; the roles are ${valid}`);
    }
    return role.crn;
  });
}

/** The resource of a policy in a line: its attributes but the account (always the caller's), and its tags. */
function describeResources(policy: PolicyWire): string {
  return policy.resources
    .map((resource) => {
      const parts = resource.attributes
        .filter((attribute) => attribute.name !== 'accountId')
        .map(({ name, value, operator }) =>
          operator === undefined || operator === 'stringEquals'
            ? `${name}=${String(value)}`
            : `${name} ${operator} ${String(value)}`,
        );
      for (const tag of resource.tags ?? []) parts.push(`tag ${tag.name}=${tag.value}`);
      return parts.length > 0 ? parts.join(', ') : 'every service of the account';
    })
    .join('; ');
}

function rolesOf(policy: PolicyWire): string {
  return policy.roles.map((role) => role.display_name).join(', ');
}

function printPolicy(ctx: CommandContext, { policy, etag }: VersionedPolicy): void {
  ctx.out.rows([
    ['Policy ID', policy.id],
    ['Version', etag],
    ['Roles', rolesOf(policy)],
    ['Resources', describeResources(policy)],
  ]);
}

function printPolicyTable(ctx: CommandContext, policies: PolicyWire[]): void {
  if (ctx.json) {
    ctx.out.json(policies);
    return;
  }
  ctx.out.table(
    ['Policy ID', 'Roles', 'Resources'],
    policies.map((policy) => [policy.id, rolesOf(policy), describeResources(policy)]),
    'No policies found.',
  );
}

/** The body of an access policy for `iamId` from the command line; usage errors before any call. */
function policyRequest(args: Args): {
  roles: string[];
  serviceName: string;
  attributes: { name: string; value: string }[];
} {
  const rawRoles = args.string('roles');
  if (rawRoles === undefined) throw new UsageError('missing --roles');
  const roles = rawRoles
    .split(',')
    .map((role) => role.trim())
    .filter((role) => role !== '');
  if (roles.length === 0) throw new UsageError('--roles needs at least one role');
  const serviceName = args.string('service-name');
  if (serviceName === undefined || serviceName.trim() === '') throw new UsageError('missing --service-name');
  const instance = args.string('service-instance');
  return {
    roles,
    serviceName: serviceName.trim(),
    attributes: [
      ...(instance !== undefined ? [{ name: 'serviceInstance', value: instance.trim() }] : []),
      ...attributesOf(args.string('attributes')),
    ],
  };
}

/** Creates an access policy for a subject and prints it as IBM's CLI does (or its JSON). */
async function createAndPrintPolicy(
  ctx: CommandContext,
  args: Args,
  subject: (client: VigilClient) => Promise<{ iamId: string; label: string }>,
  kind: 'user' | 'service',
): Promise<void> {
  const request = policyRequest(args);
  const session = ctx.session();
  const client = ctx.client();
  const { iamId, label } = await ctx.spin('Finding the subject', subject(client));
  const roleIds = await ctx.spin('Reading the roles', roleIdsOf(client, request.serviceName, request.roles));
  const equals = (name: string, value: string) => ({ name, value, operator: 'stringEquals' });
  const body: PolicyBody = {
    type: 'access',
    subjects: [{ attributes: [{ name: 'iam_id', value: iamId }] }],
    roles: roleIds.map((role_id) => ({ role_id })),
    resources: [
      {
        attributes: [
          equals('accountId', session.accountId),
          equals('serviceName', request.serviceName),
          ...request.attributes.map(({ name, value }) => equals(name, value)),
        ],
      },
    ],
  };
  if (!ctx.json) ctx.out.line(`Creating ${kind} policy under current account for ${label} as ${session.user}...`);
  const created = await ctx.spin('Creating the policy', client.policies.create(body));
  if (ctx.json) {
    ctx.out.json(created.policy);
    return;
  }
  ctx.out.ok();
  ctx.out.line('Policy is created');
  ctx.out.line();
  printPolicy(ctx, created);
}

async function listAndPrintPolicies(
  ctx: CommandContext,
  subject: (client: VigilClient) => Promise<{ iamId: string; label: string }>,
): Promise<void> {
  const session = ctx.session();
  const client = ctx.client();
  const { iamId, label } = await ctx.spin('Finding the subject', subject(client));
  const policies = await ctx.spin('Listing', client.policies.list({ accountId: session.accountId, iamId }));
  if (!ctx.json)
    ctx.out.line(`Getting policies of ${label} under account ${session.accountId} as ${session.user}...\n`);
  printPolicyTable(ctx, policies);
}

const userSubject = (ctx: CommandContext, email: string) => async (client: VigilClient) => {
  const user = await resolveUser(ctx, client, email);
  return { iamId: user.iam_id, label: `user ${user.email}` };
};

const serviceSubject = (ctx: CommandContext, nameOrId: string) => async (client: VigilClient) => {
  const serviceId = await resolveServiceId(ctx, client, nameOrId);
  return { iamId: serviceId.iam_id, label: `service ID ${serviceId.name}` };
};

const CREATE_DETAILS =
  'Example: give a user read access to one team of a monitoring instance:\n' +
  '  vigil iam user-policy-create ana@example.com --roles Reader --service-name sysdig-monitor \\\n' +
  '    --service-instance GUID --attributes sysdigTeam=TEAM_ID';

export const policyCommands = [
  defineCommand({
    name: 'iam user-policy-create',
    summary: 'Grant a user roles on a service',
    args: ['EMAIL'],
    json: true,
    options: POLICY_OPTIONS,
    details: CREATE_DETAILS,
    async run(ctx, args) {
      await createAndPrintPolicy(ctx, args, userSubject(ctx, args.positional(0)), 'user');
    },
  }),
  defineCommand({
    name: 'iam service-policy-create',
    summary: 'Grant a service ID (name or ID) roles on a service',
    args: ['SERVICE_ID'],
    json: true,
    options: POLICY_OPTIONS,
    async run(ctx, args) {
      await createAndPrintPolicy(ctx, args, serviceSubject(ctx, args.positional(0)), 'service');
    },
  }),
  defineCommand({
    name: 'iam user-policies',
    summary: "List a user's access policies",
    args: ['EMAIL'],
    json: true,
    async run(ctx, args) {
      await listAndPrintPolicies(ctx, userSubject(ctx, args.positional(0)));
    },
  }),
  defineCommand({
    name: 'iam service-policies',
    summary: "List a service ID's access policies",
    args: ['SERVICE_ID'],
    json: true,
    async run(ctx, args) {
      await listAndPrintPolicies(ctx, serviceSubject(ctx, args.positional(0)));
    },
  }),
  defineCommand({
    name: 'iam policy-delete',
    summary: 'Delete an access policy (the access ends at once)',
    args: ['POLICY_ID'],
    options: { f: FORCE },
    async run(ctx, args) {
      const client = ctx.client();
      const { policy } = await ctx.spin('Reading the policy', client.policies.get(args.positional(0)));
      const question = `Really delete policy ${policy.id} (${rolesOf(policy)} on ${describeResources(policy)})?`;
      if (!(await ctx.confirm(question, args.flag('f')))) {
        ctx.out.line('Not deleted.');
        return;
      }
      ctx.out.line(`Deleting policy ${policy.id} as ${ctx.session().user}...`);
      await ctx.spin('Deleting', client.policies.delete(policy.id));
      ctx.out.ok();
      ctx.out.line(`Policy ${policy.id} is deleted`);
    },
  }),
];
