import type { CommandSpec } from './command.js';
import { apiKeyCommands } from './commands/api-keys.js';
import { completionCommand } from './commands/completion.js';
import { monitorInstanceCommands } from './commands/monitor-instances.js';
import { monitorTeamCommands } from './commands/monitor-teams.js';
import { monitorTokenCommands } from './commands/monitor-token.js';
import { monitorQueryCommands } from './commands/monitor-query.js';
import { server } from './commands/server.js';
import { serviceIdCommands } from './commands/service-ids.js';
import { policyCommands } from './commands/policies.js';
import { userCommands } from './commands/users.js';
import { login, logout, oauthTokens, target } from './commands/session.js';

/** Every command of `vigil`, in the order `vigil help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  login,
  logout,
  target,
  oauthTokens,
  ...apiKeyCommands,
  ...serviceIdCommands,
  ...policyCommands,
  ...userCommands,
  ...monitorInstanceCommands,
  ...monitorTeamCommands,
  ...monitorTokenCommands,
  ...monitorQueryCommands,
  server,
  completionCommand(() => COMMANDS),
];
