import { VigilApiError } from '../../client/errors.js';
import type { TeamBody } from '../../client/teams.js';
import type { VigilClient } from '../../client/vigil-client.js';
import type { TeamRole } from '../../monitor/roles.js';
import { defineCommand, type CommandContext, type OptionSpec } from '../command.js';
import { CliError, UsageError } from '../errors.js';
import type { Session } from '../session.js';
import { FORCE } from './options.js';

const TEAM: OptionSpec = { type: 'string', value: 'NAME', description: 'The team (default: the targeted team).' };
const LIST_HINT = 'run `vigil monitor teams`';

export interface TeamRef {
  readonly id: number;
  readonly name: string;
}

/** The targeted monitoring instance, or an error that says how to target one. */
export function targetedInstance(ctx: CommandContext): NonNullable<Session['instance']> {
  const instance = ctx.session().instance;
  if (!instance) throw new CliError('No monitoring instance targeted', 'run `vigil monitor instance-target NAME`');
  return instance;
}

/** A 404 about the team looked up, not about the instance (a targeted instance that was deleted). */
function teamNotFound(error: unknown): boolean {
  return error instanceof VigilApiError && error.status === 404 && !/instance/i.test(error.message);
}

/**
 * A team the caller can see, by its exact name, in `instanceGuid` (default: the targeted instance). The targeted team
 * is not sent with the lookup, so a stale one does not get in the way.
 */
export async function teamByName(ctx: CommandContext, name: string, instanceGuid?: string): Promise<TeamRef> {
  const guid = instanceGuid ?? targetedInstance(ctx).guid;
  try {
    const team = await ctx.spin('Finding the team', ctx.client({ instanceGuid: guid }).teams.getByName(name));
    return { id: team.id, name: team.name };
  } catch (error) {
    if (teamNotFound(error)) throw new CliError(`Team '${name}' was not found`, LIST_HINT);
    throw error;
  }
}

/** A team named by its id or its name in the targeted instance, read whole (with its memberships and version). */
async function resolveTeam(ctx: CommandContext, nameOrId: string): Promise<TeamBody> {
  const client = ctx.client({ instanceGuid: targetedInstance(ctx).guid });
  if (/^\d{1,10}$/.test(nameOrId)) {
    try {
      return await ctx.spin('Reading the team', client.teams.get(Number(nameOrId)));
    } catch (error) {
      if (!teamNotFound(error)) throw error;
    }
  }
  const { id } = await teamByName(ctx, nameOrId);
  return ctx.spin('Reading the team', client.teams.get(id));
}

/**
 * The team a command acts in: `--team NAME`, else the targeted team, else the caller's current team in the instance
 * (the one the server picks when no team is sent).
 */
export async function teamOf(ctx: CommandContext, name: string | undefined): Promise<TeamRef> {
  if (name !== undefined) return teamByName(ctx, name);
  targetedInstance(ctx);
  const saved = ctx.session().team;
  if (saved) return { id: saved.id, name: saved.name };
  const me = await ctx.spin('Reading your user', ctx.client().monitorUsers.me());
  const id = me.currentTeam;
  if (id === null) throw new CliError('You have no current team in this instance', 'give --team NAME');
  return { id, name: me.teamRoles.find((role) => role.teamId === id)?.teamName ?? `team ${id}` };
}

/** A client acting in `team` of the targeted instance. */
export function teamClient(ctx: CommandContext, team: TeamRef): VigilClient {
  return ctx.client({ instanceGuid: targetedInstance(ctx).guid, teamId: team.id });
}

const ROLES: Readonly<Record<string, TeamRole>> = {
  read: 'ROLE_TEAM_READ',
  standard: 'ROLE_TEAM_STANDARD',
  edit: 'ROLE_TEAM_EDIT',
  manager: 'ROLE_TEAM_MANAGER',
};

/** `edit`, `EDIT` or `ROLE_TEAM_EDIT` → `ROLE_TEAM_EDIT`. */
function teamRoleOf(raw: string): TeamRole {
  const key = raw
    .trim()
    .toLowerCase()
    .replace(/^role_team_/, '');
  const role = ROLES[key];
  if (!role) {
    throw new UsageError(`--role takes ${Object.keys(ROLES).join(', ')} (or ROLE_TEAM_…), not '${raw}'`);
  }
  return role;
}

function scopeOf(team: TeamBody): string {
  return team.filter ?? 'everywhere';
}

function printTeam(ctx: CommandContext, team: TeamBody): void {
  ctx.out.rows([
    ['ID', team.id],
    ['Name', team.name],
    ['Description', team.description],
    ['Scope', scopeOf(team)],
    ['Default role', team.defaultTeamRole],
    ['Members', team.userCount],
    ['Created At', new Date(team.dateCreated).toISOString()],
  ]);
}

/** The Monitor user with this username (email), invited when the person has not used the instance yet. */
async function memberFor(
  ctx: CommandContext,
  client: VigilClient,
  username: string,
): Promise<{ id: number; username: string; invited: boolean }> {
  try {
    const user = await ctx.spin('Finding the user', client.monitorUsers.get(username));
    return { id: user.id, username: user.username, invited: false };
  } catch (error) {
    // A person gets a Monitor user on their first call to the instance; before that, an invitation stands in for it
    // and is linked to their identity on that first call.
    if (!(error instanceof VigilApiError && error.status === 404)) throw error;
  }
  const user = await ctx.spin('Inviting the user', client.monitorUsers.invite({ username }));
  return { id: user.id, username: user.username, invited: true };
}

export const monitorTeamCommands = [
  defineCommand({
    name: 'monitor teams',
    summary: 'List the teams of the targeted instance (all of them for administrators, else yours)',
    json: true,
    async run(ctx) {
      const instance = targetedInstance(ctx);
      const session = ctx.session();
      const teams = await ctx.spin('Listing', ctx.client({ instanceGuid: instance.guid }).teams.list());
      if (ctx.json) {
        ctx.out.json(teams);
        return;
      }
      ctx.out.line(`Getting teams of monitoring instance ${instance.name} as ${session.user}...\n`);
      ctx.out.table(
        ['ID', 'Name', 'Scope', 'Default role', 'Members'],
        teams.map((team) => [
          team.id,
          team.id === session.team?.id ? `${team.name} (targeted)` : team.name,
          scopeOf(team),
          team.defaultTeamRole,
          team.userCount,
        ]),
        'No teams found.',
      );
    },
  }),
  defineCommand({
    name: 'monitor team-create',
    summary: 'Create a team in the targeted instance (administrators)',
    args: ['NAME'],
    json: true,
    options: {
      scope: {
        type: 'string',
        value: 'EXPR',
        description: 'What the team sees, e.g. \'kubernetes.namespace.name = "prod"\' (default: everything).',
      },
      d: { type: 'string', value: 'DESCRIPTION', description: 'A description.' },
    },
    async run(ctx, args) {
      const instance = targetedInstance(ctx);
      const name = args.positional(0);
      const filter = args.string('scope');
      const description = args.string('d');
      if (!ctx.json) {
        ctx.out.line(`Creating team ${name} in monitoring instance ${instance.name} as ${ctx.session().user}...`);
      }
      const team = await ctx.spin(
        'Creating',
        ctx.client({ instanceGuid: instance.guid }).teams.create({
          name,
          ...(filter !== undefined ? { filter } : {}),
          ...(description !== undefined ? { description } : {}),
        }),
      );
      if (ctx.json) {
        ctx.out.json(team);
        return;
      }
      ctx.out.ok();
      ctx.out.line(`Team ${team.name} was created`);
      ctx.out.line();
      printTeam(ctx, team);
    },
  }),
  defineCommand({
    name: 'monitor team-delete',
    summary: "Delete a team (its members' Monitor API tokens for it stop working)",
    args: ['NAME|ID'],
    options: { f: FORCE },
    async run(ctx, args) {
      const team = await resolveTeam(ctx, args.positional(0));
      const question =
        `Really delete team '${team.name}' (${team.id})? Its memberships go with it, and its members' Monitor API ` +
        'tokens for it stop working at once.';
      if (!(await ctx.confirm(question, args.flag('f')))) {
        ctx.out.line('Not deleted.');
        return;
      }
      const instance = targetedInstance(ctx);
      ctx.out.line(`Deleting team ${team.name} as ${ctx.session().user}...`);
      await ctx.spin('Deleting', ctx.client({ instanceGuid: instance.guid }).teams.delete(team.id));
      ctx.out.ok();
      ctx.out.line(`Team ${team.name} was deleted`);
      const session = ctx.session();
      if (session.team?.id === team.id) {
        ctx.saveSession({ ...session, team: undefined });
        ctx.out.line('The targeted team is now your default team');
      }
    },
  }),
  defineCommand({
    name: 'monitor team-members',
    summary: "List a team's members (the memberships set on the team)",
    json: true,
    options: { team: TEAM },
    details: 'Access that comes from IAM policies on sysdig-monitor is not listed here: `vigil iam user-policies`.',
    async run(ctx, args) {
      const ref = await teamOf(ctx, args.string('team'));
      const client = teamClient(ctx, ref);
      const [team, users] = await ctx.spin(
        'Listing',
        Promise.all([client.teams.get(ref.id), client.monitorUsers.light()]),
      );
      if (ctx.json) {
        ctx.out.json(team.userRoles);
        return;
      }
      const names = new Map(users.map((user) => [user.id, user.name]));
      ctx.out.line(`Getting members of team ${team.name} as ${ctx.session().user}...\n`);
      ctx.out.table(
        ['Username', 'Name', 'Role'],
        team.userRoles.map((member) => [member.userName, names.get(member.userId) ?? '', member.role]),
        'No members found.',
      );
    },
  }),
  defineCommand({
    name: 'monitor team-member-add',
    summary: "Add a person to a team, or change their role in it (administrators and the team's managers)",
    args: ['EMAIL'],
    json: true,
    options: {
      role: {
        type: 'string',
        value: 'ROLE',
        description: 'read, standard, edit or manager (or ROLE_TEAM_…).',
        required: true,
      },
      team: TEAM,
    },
    details:
      'Someone who has not used the instance yet is invited (POST /api/users): the membership applies from their\n' +
      'first call to the instance with their IAM identity.',
    async run(ctx, args) {
      const email = args.positional(0);
      const rawRole = args.string('role');
      if (rawRole === undefined) throw new UsageError('missing --role ROLE');
      const role = teamRoleOf(rawRole);
      const ref = await teamOf(ctx, args.string('team'));
      const client = teamClient(ctx, ref);
      const session = ctx.session();
      if (!ctx.json) ctx.out.line(`Adding ${email} to team ${ref.name} with role ${role} as ${session.user}...`);
      const member = await memberFor(ctx, client, email);
      const team = await ctx.spin('Reading the team', client.teams.get(ref.id));
      const others = team.userRoles.filter((entry) => entry.userId !== member.id);
      const updated = await ctx.spin(
        'Updating the team',
        client.teams.update(team.id, {
          name: team.name,
          version: team.version,
          userRoles: [...others.map(({ userId, role: r }) => ({ userId, role: r })), { userId: member.id, role }],
        }),
      );
      if (ctx.json) {
        ctx.out.json(updated);
        return;
      }
      ctx.out.ok();
      if (member.invited) {
        ctx.out.line(
          `${member.username} has not used monitoring instance ${targetedInstance(ctx).name} yet and was invited`,
        );
      }
      ctx.out.line(`${member.username} is a member of team ${team.name} with role ${role}`);
    },
  }),
];
