import { grantMonitorRole, insertInstance, insertTeam } from '../../src/testing/monitor-fixtures.js';
import type { TestUser } from '../../src/testing/test-app.js';
import { CliHome, startCliServer, type CliServer } from './cli-harness.js';

/**
 * The setting of the `vigil monitor …` tests: a server with the instance `default` (and optionally a team `web`), the
 * administrator and a Reader of that instance, each logged in through the CLI in a home of their own.
 */
export interface MonitorWorld {
  readonly server: CliServer;
  readonly instanceGuid: string;
  /** Monitor Operations, the instance's default team. */
  readonly opsId: number;
  /** The team `web`, when asked for; 0 otherwise. */
  readonly webId: number;
  readonly readerUser: TestUser;
  readonly admin: CliHome;
  readonly reader: CliHome;
  close(): Promise<void>;
}

export async function startMonitorWorld(options: { webTeam: boolean; metrics?: boolean }): Promise<MonitorWorld> {
  const server = await startCliServer({ metrics: options.metrics === true });
  const { instance, operations } = await insertInstance(server.app, { name: 'default' });
  const webId = options.webTeam ? (await insertTeam(server.app, instance.guid, 'web')).id : 0;
  const readerUser = await server.app.createUser({ name: 'Rita Reader' });
  await grantMonitorRole(server.app, readerUser.iamId, 'Reader', { instanceGuid: instance.guid });
  const admin = new CliHome();
  const reader = new CliHome();
  await admin.login(server, server.app.admin);
  await reader.login(server, readerUser);
  return {
    server,
    instanceGuid: instance.guid,
    opsId: operations.id,
    webId,
    readerUser,
    admin,
    reader,
    close: async () => {
      admin.remove();
      reader.remove();
      await server.close();
    },
  };
}
