import { ApiKeysClient } from './api-keys.js';
import { VigilHttp, type CredentialsProvider } from './http.js';
import { IdentityClient } from './identity.js';
import { InstancesClient } from './instances.js';
import { MetricsClient } from './metrics.js';
import { MonitorTokensClient } from './monitor-tokens.js';
import { MonitorUsersClient } from './monitor-users.js';
import { TeamsClient } from './teams.js';
import { ServiceIdsClient } from './service-ids.js';
import { PoliciesClient } from './policies.js';
import { UsersClient } from './users.js';

/** Where Monitor API calls (`/api/…`) go: the instance, and optionally the team (else the user's default team). */
interface MonitorTarget {
  readonly instanceGuid: string;
  readonly teamId?: number;
}

export interface VigilClientOptions {
  readonly endpoint: string;
  /** An IAM access token (without `Bearer `), fetched for each call so that a caller can refresh it. */
  readonly token?: () => Promise<string>;
  /**
   * A console session instead of a token (the browser sends its cookie): the CSRF token that goes with it, sent as
   * `X-CSRF-Token` on every call.
   */
  readonly csrfToken?: () => string | undefined;
  /** The instance and team for `/api/…` calls. */
  readonly monitorTarget?: () => MonitorTarget | undefined;
  readonly userAgent?: string;
  readonly timeoutMs?: number;
}

/**
 * A typed client for vigil's APIs, for the CLI, the tests and users' scripts. It holds no rules of its own: each method
 * is one API call (or a read and a write where the API needs an ETag), and errors carry the server's own message.
 */
export class VigilClient {
  readonly http: VigilHttp;
  readonly identity: IdentityClient;
  readonly apiKeys: ApiKeysClient;
  readonly instances: InstancesClient;
  readonly teams: TeamsClient;
  readonly monitorUsers: MonitorUsersClient;
  readonly monitorTokens: MonitorTokensClient;
  readonly metrics: MetricsClient;
  readonly serviceIds: ServiceIdsClient;
  readonly policies: PoliciesClient;
  readonly users: UsersClient;

  constructor(options: VigilClientOptions) {
    this.http = new VigilHttp({
      endpoint: options.endpoint,
      credentials: credentialsFrom(options),
      userAgent: options.userAgent,
      timeoutMs: options.timeoutMs,
    });
    this.identity = new IdentityClient(this.http);
    this.apiKeys = new ApiKeysClient(this.http);
    this.instances = new InstancesClient(this.http);
    this.teams = new TeamsClient(this.http);
    this.monitorUsers = new MonitorUsersClient(this.http);
    this.metrics = new MetricsClient(this.http);
    this.monitorTokens = new MonitorTokensClient(this.http);
    this.serviceIds = new ServiceIdsClient(this.http);
    this.policies = new PoliciesClient(this.http);
    this.users = new UsersClient(this.http);
  }
}

function credentialsFrom(options: VigilClientOptions): CredentialsProvider | undefined {
  const { token, csrfToken } = options;
  if (!token && !csrfToken) return undefined;
  return async (path) => {
    const headers: Record<string, string> = {};
    if (token) headers['authorization'] = `Bearer ${await token()}`;
    const csrf = csrfToken?.();
    if (csrf) headers['x-csrf-token'] = csrf;
    const target = path.startsWith('/api/') || path.startsWith('/prometheus/') ? options.monitorTarget?.() : undefined;
    if (target) {
      headers['ibminstanceid'] = target.instanceGuid;
      if (target.teamId !== undefined) headers['sysdigteamid'] = String(target.teamId);
    }
    return headers;
  };
}
