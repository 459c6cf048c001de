import type { Generated, Insertable, Kysely, Selectable, Updateable } from 'kysely';

/**
 * Every table, typed once. Timestamps are ISO 8601 text (they sort as text on both dialects), booleans are 0/1
 * integers and structured values are JSON text, so that one set of queries runs on SQLite and PostgreSQL alike.
 */
interface AccountsTable {
  id: string;
  name: string;
  created_at: string;
}

interface UsersTable {
  iam_id: string;
  account_id: string;
  email: string;
  name: string;
  password_hash: string;
  is_admin: number;
  state: 'ACTIVE' | 'DISABLED' | 'PENDING';
  version: number;
  created_at: string;
  modified_at: string;
  password_changed_at: string;
}

interface ServiceIdsTable {
  id: string;
  iam_id: string;
  account_id: string;
  name: string;
  description: string | null;
  group_id: string | null;
  unique_instance_crns: string;
  locked: number;
  version: number;
  created_by: string;
  created_at: string;
  modified_at: string;
}

interface ApiKeysTable {
  id: string;
  account_id: string;
  /** The owner: a user's or a service ID's iam_id. */
  iam_id: string;
  owner_type: 'user' | 'serviceid';
  name: string;
  description: string | null;
  /** HMAC-SHA256 of the value under the pepper; the value itself is never stored. */
  key_hash: string;
  locked: number;
  disabled: number;
  support_sessions: number;
  action_when_leaked: string;
  expires_at: string | null;
  version: number;
  created_by: string;
  created_at: string;
  modified_at: string;
  last_authn: string | null;
  authn_count: number;
}

export interface RefreshTokensTable {
  token_hash: string;
  family_id: string;
  account_id: string;
  iam_id: string;
  apikey_id: string | null;
  client_id: string;
  scope: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  revoked: number;
}

interface SigningKeysTable {
  kid: string;
  alg: string;
  /** PKCS#8 PEM sealed under the master key. */
  private_key: string;
  /** The public JWK, JSON. */
  public_jwk: string;
  created_at: string;
  retired_at: string | null;
}

export interface PoliciesTable {
  id: string;
  account_id: string;
  type: string;
  description: string | null;
  /** JSON, exactly as the client sent them. */
  subjects: string;
  roles: string;
  resources: string;
  /** The iam_id the policy is for (null for access groups), for lookups by subject. */
  subject_iam_id: string | null;
  /** A canonical digest of type, subjects, roles and resources: the same policy twice is a conflict. */
  fingerprint: string;
  state: 'active' | 'deleted';
  version: number;
  created_at: string;
  created_by_id: string;
  last_modified_at: string;
  last_modified_by_id: string;
}

interface AuditEventsTable {
  seq: Generated<number>;
  id: string;
  account_id: string | null;
  at: string;
  action: string;
  outcome: 'success' | 'failure';
  actor_iam_id: string | null;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  /** JSON object of non-secret details. */
  details: string;
}

interface SettingsTable {
  key: string;
  value: string;
}

interface MonitorInstancesTable {
  guid: string;
  account_id: string;
  name: string;
  region: string;
  /** JSON: `{externalApiAuth: 'ANY' | 'IAM_ONLY', …}`. */
  settings: string;
  version: number;
  created_by: string;
  created_at: string;
  modified_at: string;
}

export interface MonitorTeamsTable {
  id: Generated<number>;
  instance_guid: string;
  name: string;
  description: string | null;
  /** The scope expression as the client wrote it (Sysdig's `filter`); null for "everywhere". */
  filter: string | null;
  /** JSON: the parsed scope, a list of label conditions that the metrics service turns into matchers. */
  scope: string;
  /** JSON: theme, show, entryPoint, defaultTeamRole, canUse… flags and the other Sysdig team fields. */
  settings: string;
  immutable: number;
  is_default: number;
  version: number;
  created_at: string;
  modified_at: string;
}

export interface MonitorUsersTable {
  id: Generated<number>;
  instance_guid: string;
  /** The IAM identity; null for a user invited by email who has not signed in yet. */
  iam_id: string | null;
  username: string;
  first_name: string | null;
  last_name: string | null;
  system_role: string;
  enabled: number;
  current_team_id: number | null;
  version: number;
  created_at: string;
  modified_at: string;
}

interface MonitorMembershipsTable {
  team_id: number;
  user_id: number;
  role: string;
  created_at: string;
}

export interface MonitorTokensTable {
  id: Generated<number>;
  user_id: number;
  team_id: number;
  token_hash: string;
  token_sealed: string;
  grace_hash: string | null;
  grace_until: string | null;
  created_at: string;
  reset_at: string | null;
}

interface ConsoleSessionsTable {
  id: string;
  /** HMAC-SHA256 of the cookie value under the pepper; the value itself is never stored. */
  token_index: string;
  iam_id: string;
  account_id: string;
  created_at: string;
  /** Written at most once a minute per session, so that a request costs no write. */
  last_seen_at: string;
  /** `last_seen_at` plus the idle lifetime (sliding), capped by the absolute lifetime. */
  expires_at: string;
  revoked_at: string | null;
}

interface SigninFailuresTable {
  iam_id: string;
  failures: number;
  lockouts: number;
  locked_until: string | null;
  last_failure_at: string;
}

export interface Database {
  accounts: AccountsTable;
  users: UsersTable;
  service_ids: ServiceIdsTable;
  api_keys: ApiKeysTable;
  refresh_tokens: RefreshTokensTable;
  signing_keys: SigningKeysTable;
  policies: PoliciesTable;
  audit_events: AuditEventsTable;
  settings: SettingsTable;
  monitor_instances: MonitorInstancesTable;
  monitor_teams: MonitorTeamsTable;
  monitor_users: MonitorUsersTable;
  monitor_memberships: MonitorMembershipsTable;
  monitor_tokens: MonitorTokensTable;
  console_sessions: ConsoleSessionsTable;
  signin_failures: SigninFailuresTable;
}

export type Db = Kysely<Database>;
export type UserRow = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type ServiceIdRow = Selectable<ServiceIdsTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type ApiKeyUpdate = Updateable<ApiKeysTable>;
export type RefreshTokenRow = Selectable<RefreshTokensTable>;
export type SigningKeyRow = Selectable<SigningKeysTable>;
export type PolicyRow = Selectable<PoliciesTable>;
export type AuditEventRow = Selectable<AuditEventsTable>;
export type MonitorInstanceRow = Selectable<MonitorInstancesTable>;
export type MonitorTeamRow = Selectable<MonitorTeamsTable>;
export type MonitorUserRow = Selectable<MonitorUsersTable>;
export type MonitorMembershipRow = Selectable<MonitorMembershipsTable>;
export type MonitorTokenRow = Selectable<MonitorTokensTable>;
export type ConsoleSessionRow = Selectable<ConsoleSessionsTable>;
export type SigninFailuresRow = Selectable<SigninFailuresTable>;
