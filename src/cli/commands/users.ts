import type { UserBody } from '../../client/users.js';
import type { VigilClient } from '../../client/vigil-client.js';
import { defineCommand, type CommandContext } from '../command.js';
import { CliError, UsageError } from '../errors.js';
import { FORCE } from './options.js';

/**
 * A user of the account named by email (as stored, lower-cased) or by IAM ID (`IBMid-…`); an email that matches no
 * user is an error that says what to do. Finding another user by email lists the account's users
 * (`iam-identity.user.get`); the caller is found without it, through `/v1/users/me`.
 */
export async function resolveUser(ctx: CommandContext, client: VigilClient, emailOrId: string): Promise<UserBody> {
  const email = emailOrId.trim().toLowerCase();
  const session = ctx.session();
  if (email === session.user.toLowerCase() || emailOrId === session.iamId) return client.users.me();
  if (emailOrId.startsWith('IBMid-')) return client.users.get(emailOrId);
  const user = (await client.users.list()).find((candidate) => candidate.email.toLowerCase() === email);
  if (!user) throw new CliError(`User '${emailOrId}' was not found`, 'run `vigil iam users`');
  return user;
}

function printUser(ctx: CommandContext, user: UserBody): void {
  ctx.out.rows([
    ['User ID', user.iam_id],
    ['Email', user.email],
    ['Name', user.name],
    ['State', user.state],
    ['Admin', user.admin],
    ...(user.signin_locked_until ? [['Locked Until', user.signin_locked_until] as [string, string]] : []),
    ['Created At', user.created_at],
  ]);
}

export const userCommands = [
  defineCommand({
    name: 'iam users',
    summary: 'List the users of the account',
    json: true,
    async run(ctx) {
      const session = ctx.session();
      const users = await ctx.spin('Listing', ctx.client().users.list());
      if (ctx.json) {
        ctx.out.json(users);
        return;
      }
      ctx.out.line(`Getting users of account ${session.accountId} as ${session.user}...\n`);
      ctx.out.table(
        ['User ID', 'Email', 'Name', 'State', 'Admin'],
        users.map((user) => [user.iam_id, user.email, user.name, user.state, user.admin]),
        'No users found.',
      );
    },
  }),
  defineCommand({
    name: 'iam user-create',
    summary: 'Create a user of the account (administrators)',
    args: ['EMAIL'],
    json: true,
    options: {
      name: { type: 'string', value: 'NAME', description: 'The full name (default: the email).' },
      password: {
        type: 'string',
        short: 'p',
        value: 'PASSWORD',
        description: 'The first password (at least 8 characters); asked for on a terminal when left out.',
      },
      admin: { type: 'boolean', description: 'Make the user an account administrator (administrators only).' },
    },
    details:
      'Without -p, the password is asked for on a terminal, or read from the first line of standard input\n' +
      '(`vigil iam user-create ana@example.com --name "Ana" < password.txt`).',
    async run(ctx, args) {
      const session = ctx.session();
      const email = args.positional(0);
      const password = args.string('password') ?? (await ctx.readSecret('Password> '));
      if (password === '') throw new UsageError('no password given: use -p, a terminal, or standard input');
      if (!ctx.json) ctx.out.line(`Creating user ${email} under account ${session.accountId} as ${session.user}...`);
      const user = await ctx.spin(
        'Creating the user',
        ctx.client().users.create({
          email,
          name: args.string('name') ?? email,
          password,
          ...(args.flag('admin') ? { admin: true } : {}),
        }),
      );
      if (ctx.json) {
        ctx.out.json(user);
        return;
      }
      ctx.out.ok();
      ctx.out.line(`User ${user.email} was created`);
      ctx.out.line();
      printUser(ctx, user);
    },
  }),
  defineCommand({
    name: 'iam user-unlock',
    summary: 'Unlock the password sign-in of a user, locked after too many wrong passwords (administrators)',
    args: ['EMAIL'],
    async run(ctx, args) {
      const client = ctx.client();
      const user = await ctx.spin('Finding the user', resolveUser(ctx, client, args.positional(0)));
      ctx.out.line(`Unlocking the sign-in of user ${user.email} as ${ctx.session().user}...`);
      await ctx.spin('Unlocking', client.users.unlockSignIn(user.iam_id));
      ctx.out.ok();
      ctx.out.line(
        user.signin_locked_until
          ? `User ${user.email} can sign in again`
          : `User ${user.email} was not locked; their failed sign-ins are forgotten`,
      );
    },
  }),
  defineCommand({
    name: 'iam user-delete',
    summary: 'Delete a user with their API keys, sessions and policies (administrators)',
    args: ['EMAIL'],
    options: { f: FORCE },
    async run(ctx, args) {
      const client = ctx.client();
      const user = await ctx.spin('Finding the user', resolveUser(ctx, client, args.positional(0)));
      const question = `Really delete user '${user.email}' (${user.iam_id}) with their API keys and policies?`;
      if (!(await ctx.confirm(question, args.flag('f')))) {
        ctx.out.line('Not deleted.');
        return;
      }
      ctx.out.line(`Deleting user ${user.email} as ${ctx.session().user}...`);
      await ctx.spin('Deleting', client.users.delete(user.iam_id));
      ctx.out.ok();
      ctx.out.line(`User ${user.email} is deleted`);
    },
  }),
];
