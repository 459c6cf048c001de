import { Type, type Static } from 'typebox';
import { DisplayName, DisplayText } from '../../platform/text/display-text.js';
import { MAX_SCOPE_LENGTH } from './scope.js';

/**
 * The wire shapes of Sysdig's teams API as sdcclient (create_team, get_team, edit_team, memberships) and the Terraform
 * provider send and read them (reference/monitor-api.md §2, §4). Clients send more fields than these (Terraform's
 * zoneIds, allZones, products…): extra fields are accepted and ignored.
 */

const ms = (description: string) => Type.Integer({ description: `${description}, ms since the epoch` });

const EntryPointSchema = Type.Object(
  {
    module: Type.String({ minLength: 1, maxLength: 64, description: 'Explore, Dashboards, Overview…' }),
    selection: Type.Optional(Type.Union([Type.String({ maxLength: 256 }), Type.Null()])),
  },
  { title: 'TeamEntryPoint' },
);

const NamespaceFiltersSchema = Type.Object({
  ibmPlatformMetrics: Type.Union([Type.String({ maxLength: MAX_SCOPE_LENGTH }), Type.Null()]),
});

const UserRoleSchema = Type.Object(
  {
    userId: Type.Integer({ description: 'The Monitor user id (as `GET /api/users` lists it).' }),
    userName: Type.String({ description: 'The username (email) of that user.' }),
    role: Type.String({ description: 'ROLE_TEAM_READ, ROLE_TEAM_STANDARD, ROLE_TEAM_EDIT or ROLE_TEAM_MANAGER.' }),
    admin: Type.Boolean({ description: 'True when the user administers the instance (ROLE_CUSTOMER).' }),
  },
  { title: 'TeamUserRole' },
);

const TeamSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer({ description: 'Bumped on every change; PUT must send the current one.' }),
    name: Type.String(),
    description: Type.String(),
    theme: Type.String(),
    show: Type.String({ description: '`host` or `container`: what the team is scoped by.' }),
    canUseSysdigCapture: Type.Boolean(),
    canUseCustomEvents: Type.Boolean(),
    canUseAwsMetrics: Type.Boolean(),
    canUseBeaconMetrics: Type.Boolean(),
    canUseRapidResponse: Type.Boolean(),
    defaultTeamRole: Type.String({ description: 'The role of a member added without one.' }),
    entryPoint: EntryPointSchema,
    filter: Type.Union([Type.String(), Type.Null()], {
      description: 'The scope expression, e.g. `kubernetes.namespace.name = "prod"`; null means everywhere.',
    }),
    userRoles: Type.Array(UserRoleSchema, { description: 'The memberships set through this API.' }),
    userCount: Type.Integer(),
    immutable: Type.Boolean({ description: 'True for Monitor Operations: its name and scope cannot change.' }),
    default: Type.Boolean({ description: 'True for the instance default team, Monitor Operations.' }),
    products: Type.Array(Type.String()),
    origin: Type.String(),
    dateCreated: ms('Created'),
    lastUpdated: ms('Last changed'),
    customerId: Type.Integer({ description: 'The instance, as the integer Sysdig clients expect.' }),
    properties: Type.Object({}),
    namespaceFilters: NamespaceFiltersSchema,
  },
  { title: 'Team' },
);
export type TeamBody = Static<typeof TeamSchema>;

export const TeamEnvelopeSchema = Type.Object({ team: TeamSchema }, { title: 'TeamEnvelope' });
export type TeamEnvelope = Static<typeof TeamEnvelopeSchema>;

export const TeamListSchema = Type.Object({ teams: Type.Array(TeamSchema) }, { title: 'TeamList' });
export type TeamList = Static<typeof TeamListSchema>;

const LightTeamSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    name: Type.String(),
    description: Type.String(),
    theme: Type.String(),
    show: Type.String(),
    immutable: Type.Boolean(),
    default: Type.Boolean(),
    products: Type.Array(Type.String()),
    origin: Type.String(),
    customerId: Type.Integer(),
    dateCreated: ms('Created'),
    lastUpdated: ms('Last changed'),
  },
  { title: 'LightTeam' },
);
export type LightTeamBody = Static<typeof LightTeamSchema>;

export const LightTeamEnvelopeSchema = Type.Object({ team: LightTeamSchema }, { title: 'LightTeamEnvelope' });

const Name = DisplayName({ minLength: 1, maxLength: 256, pattern: '\\S', description: 'Unique in the instance.' });
const Description = Type.Union([DisplayText({ maxLength: 1024 }), Type.Null()]);
const Filter = Type.Union([Type.String({ maxLength: MAX_SCOPE_LENGTH }), Type.Null()], {
  description:
    'Scope: `label = "v"`, `!=`, `in ("a","b")`, `not in (…)`, `contains "x"`, `does not contain "x"`, ' +
    '`starts with "x"`, joined by `and`. Empty or absent means everywhere.',
});

const MembershipSchema = Type.Object({
  userId: Type.Integer({ minimum: 1, maximum: 2147483647 }),
  role: Type.Optional(Type.String({ maxLength: 64, description: "Absent: the team's defaultTeamRole." })),
});

const teamInputFields = {
  name: Name,
  description: Type.Optional(Description),
  theme: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  show: Type.Optional(Type.Enum(['host', 'container'])),
  canUseSysdigCapture: Type.Optional(Type.Boolean()),
  canUseCustomEvents: Type.Optional(Type.Boolean()),
  canUseAwsMetrics: Type.Optional(Type.Boolean()),
  canUseBeaconMetrics: Type.Optional(Type.Boolean()),
  canUseRapidResponse: Type.Optional(Type.Boolean()),
  defaultTeamRole: Type.Optional(Type.String({ maxLength: 64 })),
  entryPoint: Type.Optional(EntryPointSchema),
  filter: Type.Optional(Filter),
  namespaceFilters: Type.Optional(
    Type.Object({ ibmPlatformMetrics: Type.Optional(NamespaceFiltersSchema.properties.ibmPlatformMetrics) }),
  ),
  userRoles: Type.Optional(
    Type.Array(MembershipSchema, {
      maxItems: 5000,
      description: "The team's memberships, all of them: members not listed are removed.",
    }),
  ),
  users: Type.Optional(
    Type.Array(Type.Integer({ minimum: 1, maximum: 2147483647 }), {
      maxItems: 5000,
      description: "Older form: user ids, each with the team's defaultTeamRole. Ignored when userRoles is given.",
    }),
  ),
};

/** `POST /api/teams`, as sdcclient create_team sends it. */
export const CreateTeamBodySchema = Type.Object(teamInputFields);
export type CreateTeamBody = Static<typeof CreateTeamBodySchema>;

/** `PUT /api/teams/{id}`: the whole team as read, with the version read. Fields left out keep their values. */
export const UpdateTeamBodySchema = Type.Object({
  ...teamInputFields,
  id: Type.Optional(Type.Integer({ description: 'If given, must be the id in the path.' })),
  version: Type.Integer({ minimum: 1, description: 'The version read last; a stale one is refused with 409.' }),
});
export type UpdateTeamBody = Static<typeof UpdateTeamBodySchema>;

export const TeamIdParamsSchema = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) });

export const TeamNameParamsSchema = Type.Object({ name: Type.String({ minLength: 1, maxLength: 256 }) });

export const ListTeamsQuerySchema = Type.Object({
  product: Type.Optional(
    Type.Enum(['SDC', 'SDS'], {
      description: 'SDC (Monitor) lists every team; SDS (Secure) none: vigil has no Secure teams.',
    }),
  ),
});
