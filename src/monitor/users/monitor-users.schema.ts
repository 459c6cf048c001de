import { Type, type Static } from 'typebox';
import { DisplayName } from '../../platform/text/display-text.js';

/**
 * The wire shapes of Sysdig's users API as sdcclient and the Terraform provider read them. Users leave the service only
 * through these schemas, which have no credential field, so a token or an IAM secret can never reach a response.
 */

const SystemRole = Type.String({
  description: '`ROLE_CUSTOMER` for an instance administrator, `ROLE_USER` otherwise; derived from IAM access.',
});

const userFields = {
  id: Type.Integer({ description: 'The Monitor user id (Sysdig integer id), unique within vigil.' }),
  username: Type.String({ description: 'The email of a user; the name of a service ID.' }),
  name: Type.String({ description: 'First and last name, or the username when both are empty.' }),
  firstName: Type.String(),
  lastName: Type.String(),
  systemRole: SystemRole,
  roles: Type.Array(Type.String(), { description: 'The system roles; contains `ROLE_CUSTOMER` for administrators.' }),
  enabled: Type.Boolean({ description: 'False when an administrator disabled the user in this instance.' }),
  version: Type.Integer({ description: 'Bumped on every change; PUT must send the current one.' }),
  currentTeam: Type.Union([Type.Integer(), Type.Null()], {
    description: 'The team a request without SysdigTeamID acts in; null before the first sign-in.',
  }),
  dateCreated: Type.Integer({ description: 'ms since the epoch' }),
  lastUpdated: Type.Integer({ description: 'ms since the epoch' }),
};

/** A user as `GET /api/users` lists it. */
const MonitorUserSchema = Type.Object(userFields, { title: 'MonitorUser' });
export type MonitorUserBody = Static<typeof MonitorUserSchema>;

const TeamRoleSchema = Type.Object({
  teamId: Type.Integer(),
  teamName: Type.String(),
  role: Type.String({ description: 'ROLE_TEAM_READ, ROLE_TEAM_STANDARD, ROLE_TEAM_EDIT or ROLE_TEAM_MANAGER.' }),
});

/** A single user, with its instance ("customer") and its effective role in each team. */
const MonitorUserDetailSchema = Type.Object(
  {
    ...userFields,
    customer: Type.Object({
      id: Type.Integer({ description: 'A stable integer derived from the instance GUID.' }),
      name: Type.String({ description: 'The instance name.' }),
      externalId: Type.String({ description: 'The instance GUID (IBMInstanceID).' }),
    }),
    customerSettings: Type.Object({
      plan: Type.Object({ maxAgents: Type.Integer({ description: 'vigil enforces no agent limit.' }) }),
    }),
    teamRoles: Type.Array(TeamRoleSchema),
  },
  { title: 'MonitorUserDetail' },
);
export type MonitorUserDetailBody = Static<typeof MonitorUserDetailSchema>;

export const UserEnvelopeSchema = Type.Object({ user: MonitorUserDetailSchema });
export type UserEnvelope = Static<typeof UserEnvelopeSchema>;

export const UserListSchema = Type.Object({ users: Type.Array(MonitorUserSchema) });
export type UserList = Static<typeof UserListSchema>;

export const LightUserListSchema = Type.Object({
  users: Type.Array(Type.Object({ id: Type.Integer(), username: Type.String(), name: Type.String() })),
});
export type LightUserList = Static<typeof LightUserListSchema>;

const Name = Type.Union([DisplayName({ maxLength: 100 }), Type.Null()]);

/** `POST /api/users` (sdcclient create_user_invite). */
export const InviteBodySchema = Type.Object({
  username: DisplayName({ minLength: 3, maxLength: 254, description: 'The email of the person invited.' }),
  firstName: Type.Optional(Name),
  lastName: Type.Optional(Name),
  systemRole: Type.Optional(
    Type.String({ description: 'Only `ROLE_USER`: administrators are made by an IAM Manager policy.' }),
  ),
});
export type InviteBody = Static<typeof InviteBodySchema>;

/** `POST /api/user/provisioning/` (sdcclient create_user; Terraform's sysdig_user also sends systemRole). */
export const ProvisioningBodySchema = Type.Object({
  ...InviteBodySchema.properties,
  password: Type.Optional(
    Type.String({ maxLength: 1024, description: 'Ignored: identities and their passwords live in IAM.' }),
  ),
});
export type ProvisioningBody = Static<typeof ProvisioningBodySchema>;

/** `PUT /api/users/{id}` (sdcclient edit_user; Terraform also sends id, currentTeam and customer: ignored). */
export const UpdateUserBodySchema = Type.Object({
  version: Type.Integer({ minimum: 1, description: 'The version read last; a stale one is refused with 409.' }),
  id: Type.Optional(Type.Integer()),
  username: Type.Optional(Type.String({ maxLength: 254, description: 'Cannot be changed.' })),
  systemRole: Type.Optional(Type.String({ description: 'Must be the current one: roles come from IAM policies.' })),
  enabled: Type.Optional(Type.Boolean()),
  firstName: Type.Optional(Name),
  lastName: Type.Optional(Name),
});
export type UpdateUserBody = Static<typeof UpdateUserBodySchema>;

export const UserRefParamsSchema = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 254, description: 'A Monitor user id or a username (email).' }),
});

export const UserIdParamsSchema = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: 2147483647 }),
});
