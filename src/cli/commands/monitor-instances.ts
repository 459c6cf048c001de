import type { InstanceBody } from '../../client/instances.js';
import { defineCommand, type CommandContext } from '../command.js';
import type { Session } from '../session.js';
import { teamByName } from './monitor-teams.js';
import { printTarget } from './session.js';
import { onlyMatch } from './named.js';
import { FORCE } from './options.js';

const LIST_HINT = 'run `vigil monitor instances`';

/** An instance of the caller's account named by its GUID or its name (names are unique in an account). */
async function resolveInstance(ctx: CommandContext, nameOrGuid: string): Promise<InstanceBody> {
  const instances = await ctx.spin('Listing instances', ctx.client().instances.list());
  const byGuid = instances.find((instance) => instance.guid === nameOrGuid);
  if (byGuid) return byGuid;
  const matches = instances.filter((instance) => instance.name === nameOrGuid);
  return onlyMatch(matches, {
    kind: 'monitoring instance',
    name: nameOrGuid,
    notFoundHint: LIST_HINT,
    ambiguousHint: 'name it by its GUID',
  });
}

/** The session without a targeted instance and team. */
function untargeted(session: Session): Session {
  return { ...session, instance: undefined, team: undefined };
}

function printInstance(ctx: CommandContext, instance: InstanceBody): void {
  ctx.out.rows([
    ['GUID', instance.guid],
    ['Name', instance.name],
    ['Region', instance.region],
    ['External API auth', instance.settings.externalApiAuth],
    ['Created At', instance.created_at],
  ]);
}

export const monitorInstanceCommands = [
  defineCommand({
    name: 'monitor instances',
    summary: 'List the monitoring instances you can see',
    json: true,
    async run(ctx) {
      const session = ctx.session();
      const instances = await ctx.spin('Listing', ctx.client().instances.list());
      if (ctx.json) {
        ctx.out.json(instances);
        return;
      }
      ctx.out.line(`Getting monitoring instances of account ${session.accountId} as ${session.user}...\n`);
      ctx.out.table(
        ['GUID', 'Name', 'Region', 'External API auth', 'Created'],
        instances.map((instance) => [
          instance.guid,
          instance.guid === session.instance?.guid ? `${instance.name} (targeted)` : instance.name,
          instance.region,
          instance.settings.externalApiAuth,
          instance.created_at,
        ]),
        'No monitoring instances found.',
      );
    },
  }),
  defineCommand({
    name: 'monitor instance-create',
    summary: 'Create a monitoring instance (with its default team, Monitor Operations)',
    args: ['NAME'],
    json: true,
    options: { region: { type: 'string', value: 'REGION', description: 'A region label (default: local).' } },
    async run(ctx, args) {
      const session = ctx.session();
      const name = args.positional(0);
      const region = args.string('region');
      if (!ctx.json) {
        ctx.out.line(
          `Creating monitoring instance ${name}${region ? ` in region ${region}` : ''} as ${session.user}...`,
        );
      }
      const instance = await ctx.spin(
        'Creating',
        ctx.client().instances.create({ name, ...(region !== undefined ? { region } : {}) }),
      );
      if (ctx.json) {
        ctx.out.json(instance);
        return;
      }
      ctx.out.ok();
      ctx.out.line(`Monitoring instance ${instance.name} was created`);
      ctx.out.line();
      printInstance(ctx, instance);
    },
  }),
  defineCommand({
    name: 'monitor instance-delete',
    summary: 'Delete a monitoring instance with its teams, users and Monitor API tokens',
    args: ['NAME|GUID'],
    options: { f: FORCE },
    async run(ctx, args) {
      const instance = await resolveInstance(ctx, args.positional(0));
      const question =
        `Really delete monitoring instance '${instance.name}' (${instance.guid})? Its teams, users and Monitor API ` +
        'tokens go with it, and the tokens stop working at once.';
      if (!(await ctx.confirm(question, args.flag('f')))) {
        ctx.out.line('Not deleted.');
        return;
      }
      const session = ctx.session();
      ctx.out.line(`Deleting monitoring instance ${instance.name} as ${session.user}...`);
      await ctx.spin('Deleting', ctx.client().instances.delete(instance.guid));
      ctx.out.ok();
      ctx.out.line(`Monitoring instance ${instance.name} was deleted`);
      const current = ctx.session();
      if (current.instance?.guid === instance.guid) {
        ctx.saveSession(untargeted(current));
        ctx.out.line("No monitoring instance is targeted now: use 'vigil monitor instance-target NAME'");
      }
    },
  }),
  defineCommand({
    name: 'monitor instance-target',
    summary: 'Target a monitoring instance (and a team) for the monitor commands',
    args: ['NAME|GUID'],
    options: {
      team: { type: 'string', value: 'NAME', description: 'Act in this team (default: your current team).' },
    },
    details:
      'The instance and team are kept in the session and sent as IBMInstanceID and SysdigTeamID on the Monitor API.',
    async run(ctx, args) {
      const instance = await resolveInstance(ctx, args.positional(0));
      const teamName = args.string('team');
      const team = teamName === undefined ? undefined : await teamByName(ctx, teamName, instance.guid);
      const session: Session = {
        ...ctx.session(),
        instance: { guid: instance.guid, name: instance.name },
        team,
      };
      ctx.saveSession(session);
      ctx.out.line(`Targeted monitoring instance ${instance.name} (${instance.guid})`);
      if (team) ctx.out.line(`Targeted team ${team.name} (${team.id})`);
      ctx.out.line();
      printTarget(ctx, session);
    },
  }),
];
