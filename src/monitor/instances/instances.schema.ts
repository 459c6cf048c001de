import { Type, type Static } from 'typebox';
import { DisplayName } from '../../platform/text/display-text.js';

/** The wire shapes of `/v1/instances`, vigil's own API for monitoring instances (IBM v1 error bodies). */

const ExternalApiAuth = Type.Enum(['ANY', 'IAM_ONLY'], {
  description: '`ANY`: Monitor API tokens and IAM tokens; `IAM_ONLY`: IAM tokens only (IBM external_api_auth).',
});

export const InstanceSchema = Type.Object(
  {
    guid: Type.String({ description: 'The instance id; send it as `IBMInstanceID` with an IAM token.' }),
    name: Type.String(),
    region: Type.String({ description: 'A label; vigil runs wherever it is deployed.' }),
    account_id: Type.String(),
    settings: Type.Object({ externalApiAuth: ExternalApiAuth }),
    created_at: Type.String({ description: 'ISO 8601, UTC.' }),
    modified_at: Type.String({ description: 'ISO 8601, UTC.' }),
    created_by: Type.String({ description: 'The iam_id of its creator.' }),
  },
  { title: 'MonitoringInstance' },
);
export type InstanceBody = Static<typeof InstanceSchema>;

export const InstanceListSchema = Type.Object(
  { instances: Type.Array(InstanceSchema) },
  { title: 'MonitoringInstanceList' },
);
export type InstanceListBody = Static<typeof InstanceListSchema>;

const Name = DisplayName({ minLength: 1, maxLength: 180, pattern: '\\S', description: 'Unique in the account.' });

export const CreateInstanceBodySchema = Type.Object({
  name: Name,
  region: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,39}$', description: 'Defaults to `local`.' })),
});
export type CreateInstanceBody = Static<typeof CreateInstanceBodySchema>;

export const UpdateInstanceBodySchema = Type.Object(
  {
    name: Type.Optional(Name),
    settings: Type.Optional(
      Type.Object({ externalApiAuth: Type.Optional(ExternalApiAuth) }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);
export type UpdateInstanceBody = Static<typeof UpdateInstanceBodySchema>;

export const InstanceParamsSchema = Type.Object({ guid: Type.String({ minLength: 1, maxLength: 64 }) });
