import type { CommandSpec } from './command.js';
import { apiKeyCommands } from './commands/api-keys.js';
import { completionCommand } from './commands/completion.js';
import { server } from './commands/server.js';
import { login, logout, oauthTokens, target } from './commands/session.js';

/** Every command of `vigil`, in the order `vigil help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  login,
  logout,
  target,
  oauthTokens,
  ...apiKeyCommands,
  server,
  completionCommand(() => COMMANDS),
];
