import { Type, type Static } from 'typebox';

/**
 * The wire shapes of `/api/token…`, as sdcclient (`get_user_token`, `get_user_api_token`) and IBM's Terraform examples
 * read them: `{"token":{"key":"…"}}`. The response schema has no other field, so nothing but the value can leave.
 */
export const TokenResponseSchema = Type.Object(
  {
    token: Type.Object({
      key: Type.String({ description: 'The Monitor API token (`vigil_mt_…`): send it as `Authorization: Bearer …`.' }),
    }),
  },
  { title: 'MonitorApiToken' },
);
export type TokenResponse = Static<typeof TokenResponseSchema>;

/** The longest grace period a reset may give the old value: one day. */
const MAX_GRACE_SECONDS = 86_400;

// No body at all is allowed (Fastify validates a missing body as null).
export const ResetTokenBodySchema = Type.Union([
  Type.Null(),
  Type.Object(
    {
      graceSeconds: Type.Optional(
        Type.Integer({
          minimum: 0,
          maximum: MAX_GRACE_SECONDS,
          description:
            'How long the old value keeps working after the reset, for senders that cannot switch at once ' +
            '(remote write). Default 0: the old value stops working at once. A second reset ends the first grace.',
        }),
      ),
    },
    { additionalProperties: false },
  ),
]);

export const MemberTokenParamsSchema = Type.Object({
  username: Type.String({
    minLength: 1,
    maxLength: 320,
    description: "The member's username (an email), URL-decoded.",
  }),
  teamId: Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'The team, in the caller’s instance.' }),
});
