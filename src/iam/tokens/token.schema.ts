import { Type, type Static } from 'typebox';

/**
 * The wire shapes of the token endpoint and key discovery (reference/ibm-iam.md §1, §3). The form fields are all
 * optional here: a missing one is answered by the service in IBM's words (BXNIM0109E), not by a schema error.
 */
export const TokenFormSchema = Type.Object(
  {
    grant_type: Type.Optional(
      Type.String({
        description:
          '`urn:ibm:params:oauth:grant-type:apikey` (with `apikey`), `refresh_token` (with `refresh_token`) or ' +
          '`password` (with `username` and `password`).',
      }),
    ),
    apikey: Type.Optional(Type.String({ description: 'An IAM API key (apikey grant).' })),
    refresh_token: Type.Optional(
      Type.String({ description: 'A refresh token from an earlier response (single use; a new one is returned).' }),
    ),
    username: Type.Optional(Type.String({ description: 'The user’s email (password grant).' })),
    password: Type.Optional(Type.String({ description: 'The user’s password (password grant).' })),
    response_type: Type.Optional(Type.String({ description: 'Accepted and ignored (`cloud_iam`).' })),
    scope: Type.Optional(Type.String({ description: 'Accepted; tokens always carry `ibm openid`.' })),
  },
  { additionalProperties: true },
);
export type TokenForm = Static<typeof TokenFormSchema>;

export const TokenResponseSchema = Type.Object(
  {
    access_token: Type.String({ description: 'An RS256 JWT, valid for one hour.' }),
    refresh_token: Type.String({
      description: 'Opaque, single use, 30 days; `not_supported` for the apikey grant without client credentials.',
    }),
    ims_user_id: Type.Optional(Type.Integer()),
    token_type: Type.Literal('Bearer'),
    expires_in: Type.Integer({ description: 'Seconds: 3600.' }),
    expiration: Type.Integer({ description: 'Unix time the access token expires at (its `exp`).' }),
    scope: Type.String(),
  },
  { additionalProperties: false, title: 'TokenResponse' },
);
export type TokenResponse = Static<typeof TokenResponseSchema>;

const JwkSchema = Type.Object(
  {
    kty: Type.String(),
    n: Type.String(),
    e: Type.String(),
    alg: Type.String(),
    kid: Type.String(),
    use: Type.String(),
  },
  { additionalProperties: false },
);

export const JwksSchema = Type.Object({ keys: Type.Array(JwkSchema) }, { additionalProperties: false, title: 'JWKS' });

export const OpenIdConfigurationSchema = Type.Object(
  {
    issuer: Type.String(),
    token_endpoint: Type.String(),
    jwks_uri: Type.String(),
    authorization_endpoint: Type.Optional(Type.String()),
    passcode_endpoint: Type.Optional(Type.String()),
    grant_types_supported: Type.Array(Type.String()),
    response_types_supported: Type.Array(Type.String()),
    subject_types_supported: Type.Array(Type.String()),
    id_token_signing_alg_values_supported: Type.Array(Type.String()),
    token_endpoint_auth_methods_supported: Type.Array(Type.String()),
  },
  { additionalProperties: false, title: 'OpenIdConfiguration' },
);
export type OpenIdConfiguration = Static<typeof OpenIdConfigurationSchema>;

/** `GET /v1/admin/signing-keys`: public facts about the signing keys, never private material. */
const SigningKeyInfoSchema = Type.Object(
  {
    kid: Type.String(),
    alg: Type.String(),
    created_at: Type.String(),
    retired_at: Type.Union([Type.String(), Type.Null()]),
    current: Type.Boolean({ description: 'New tokens are signed with this key.' }),
    in_jwks: Type.Boolean({ description: 'Served by /identity/keys (it may still verify tokens).' }),
  },
  { additionalProperties: false, title: 'SigningKey' },
);

export const SigningKeyListSchema = Type.Object(
  { keys: Type.Array(SigningKeyInfoSchema) },
  { additionalProperties: false },
);

export const RotationResultSchema = Type.Object(
  { kid: Type.String({ description: 'The new current key.' }), keys: Type.Array(JwkSchema) },
  { additionalProperties: false },
);
