import { VERSION } from '../version.js';
import { VigilClient } from '../client/vigil-client.js';
import type { CommandContext, TargetOverride } from './command.js';
import { CliError, LOGIN_HINT } from './errors.js';
import type { CliIo } from './io.js';
import { Output } from './output.js';
import { ask, confirm, readSecret } from './prompt.js';
import { refreshed } from './session-auth.js';
import { SessionStore, type Session } from './session.js';
import { withSpinner } from './spinner.js';

const USER_AGENT = `vigil-cli/${VERSION}`;

/** The context of one command run: the session is read once, refreshed at most once, and saved when it changes. */
export function createContext(io: CliIo, json: boolean): CommandContext {
  const sessions = new SessionStore(io);
  const out = new Output(io);
  let current: Session | undefined;
  let refreshing: Promise<Session> | undefined;

  const session = (): Session => {
    current ??= sessions.load();
    if (!current) throw new CliError('Not logged in', LOGIN_HINT);
    return current;
  };
  const saveSession = (next: Session) => {
    sessions.save(next);
    current = next;
    refreshing = undefined;
  };
  const anonymousClient = (endpoint: string) => new VigilClient({ endpoint, userAgent: USER_AGENT });
  const accessToken = async (): Promise<string> => {
    const saved = session();
    refreshing ??= refreshed(saved, anonymousClient(saved.endpoint), Math.floor(Date.now() / 1000)).then((next) => {
      if (next !== saved) saveSession(next);
      return next;
    });
    return (await refreshing).accessToken;
  };

  return {
    io,
    out,
    json,
    sessions,
    session,
    saveSession,
    anonymousClient,
    accessToken,
    client: (target?: TargetOverride) => {
      const { endpoint } = session();
      return new VigilClient({
        endpoint,
        userAgent: USER_AGENT,
        token: accessToken,
        monitorTarget: () => {
          const saved = session();
          const instanceGuid = target?.instanceGuid ?? saved.instance?.guid;
          if (!instanceGuid) return undefined;
          const teamId = target?.teamId ?? (target?.instanceGuid ? undefined : saved.team?.id);
          return teamId === undefined ? { instanceGuid } : { instanceGuid, teamId };
        },
      });
    },
    confirm: (question, force) => confirm(io, question, force),
    readSecret: (prompt) => readSecret(io, prompt),
    ask: (prompt) => ask(io, prompt),
    spin: (label, work) => withSpinner(io, label, work),
  };
}
