import { VigilApiError } from '../../client/errors.js';
import type { MonitorTokenBody } from '../../client/monitor-tokens.js';
import { defineCommand, type CommandContext } from '../command.js';
import { CliError } from '../errors.js';
import { targetedInstance, teamClient, teamOf } from './monitor-teams.js';
import { FORCE } from './options.js';

// The API's limit (monitor-tokens.schema.ts MAX_GRACE_SECONDS), checked here too so that a typo is a usage error.
const MAX_GRACE_SECONDS = 86_400;

/**
 * An instance that accepts IAM tokens only answers 403 "Access is denied" for Monitor API tokens; say so, since the
 * server's words do not. Anything else is rethrown as it is.
 */
async function explainIamOnly(ctx: CommandContext, error: unknown): Promise<never> {
  if (error instanceof VigilApiError && error.status === 403 && error.message === 'Access is denied') {
    const instance = targetedInstance(ctx);
    const settings = await ctx
      .client()
      .instances.get(instance.guid)
      .then(
        (found) => found.settings,
        () => undefined,
      );
    if (settings?.externalApiAuth === 'IAM_ONLY') {
      throw new CliError(
        `Monitoring instance ${instance.name} accepts IAM tokens only (external API auth IAM_ONLY), so it has no Monitor API tokens`,
        'use an IAM token with IBMInstanceID instead (`vigil iam oauth-tokens`)',
      );
    }
  }
  throw error;
}

export const monitorTokenCommands = [
  defineCommand({
    name: 'monitor token',
    summary: 'Print your Monitor API token for the targeted team (just the token, for scripts)',
    json: true,
    options: { team: { type: 'string', value: 'NAME', description: 'The team (default: the targeted team).' } },
    details:
      'Prints the token alone on one line, so that `curl -H "Authorization: Bearer $(vigil monitor token)" …` works;\n' +
      'with --output json, {"token":{"key":"…"}}. The token is created the first time it is asked for.',
    async run(ctx, args) {
      targetedInstance(ctx);
      const name = args.string('team');
      const client = name === undefined ? ctx.client() : teamClient(ctx, await teamOf(ctx, name));
      let body: MonitorTokenBody;
      try {
        body = await ctx.spin('Reading the token', client.monitorTokens.get());
      } catch (error) {
        return explainIamOnly(ctx, error);
      }
      if (ctx.json) ctx.out.json(body);
      else ctx.out.line(body.token.key);
    },
  }),
  defineCommand({
    name: 'monitor token-reset',
    summary: 'Give a Monitor API token a new value; the old one stops working (after --grace)',
    json: true,
    options: {
      team: { type: 'string', value: 'NAME', description: 'The team (default: the targeted team).' },
      user: {
        type: 'string',
        value: 'EMAIL',
        description: "Reset this member's token (instance administrators and the team's managers).",
      },
      grace: {
        type: 'string',
        value: 'SECONDS',
        description: `Keep the old value working this long, at most ${MAX_GRACE_SECONDS} (default 0).`,
      },
      f: FORCE,
    },
    async run(ctx, args) {
      const grace = args.integer('grace', { min: 0, max: MAX_GRACE_SECONDS });
      const username = args.string('user');
      const team = await teamOf(ctx, args.string('team'));
      const whose = username === undefined ? 'your Monitor API token' : `the Monitor API token of ${username}`;
      const when = grace ? `after ${grace} seconds` : 'at once';
      const question =
        `Reset ${whose} in team ${team.name}? Scripts and remote-write senders that use the old token stop working ` +
        `${when}.`;
      if (!(await ctx.confirm(question, args.flag('f')))) {
        ctx.out.line('Not reset.');
        return;
      }
      if (!ctx.json) ctx.out.line(`Resetting ${whose} in team ${team.name} as ${ctx.session().user}...`);
      const body = await ctx.spin(
        'Resetting',
        teamClient(ctx, team).monitorTokens.reset({
          ...(username !== undefined ? { owner: { username, teamId: team.id } } : {}),
          ...(grace !== undefined ? { graceSeconds: grace } : {}),
        }),
      );
      if (ctx.json) {
        ctx.out.json(body);
        return;
      }
      ctx.out.ok();
      ctx.out.line(grace ? `The old token keeps working for ${grace} seconds` : 'The old token no longer works');
      ctx.out.line();
      ctx.out.rows([
        ['Team', `${team.name} (${team.id})`],
        ['User', username ?? ctx.session().user],
        ['Token', body.token.key],
      ]);
    },
  }),
];
