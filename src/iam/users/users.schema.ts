import { Type, type Static } from 'typebox';
import { DisplayName } from '../../platform/text/display-text.js';

/**
 * The wire shapes of `/v1/users`, vigil's own API (IBM's users live in another service). A user is rendered only
 * through {@link UserSchema}, which has no password field, so a hash can never reach a response.
 */
export const UserSchema = Type.Object(
  {
    iam_id: Type.String({ description: 'The user’s IAM ID (`IBMid-…`).' }),
    id: Type.String({ description: 'Same as `iam_id`.' }),
    account_id: Type.String(),
    email: Type.String({ description: 'Lower-cased; the user name of the password grant.' }),
    name: Type.String(),
    state: Type.Union([Type.Literal('ACTIVE'), Type.Literal('DISABLED'), Type.Literal('PENDING')], {
      description:
        'PENDING: invited to a monitoring instance (POST /api/users) and not set up yet: no password, no sign-in; ' +
        'POST /v1/users with the same email completes it.',
    }),
    admin: Type.Boolean({ description: 'An account administrator: may do everything in the account.' }),
    signin_locked_until: Type.Optional(
      Type.String({
        description:
          'Present while password sign-in is locked after too many wrong passwords: when the lock ends (IBM form). ' +
          'DELETE /v1/users/{iam_id}/signin-lock ends it now.',
      }),
    ),
    created_at: Type.String({ description: 'IBM form, e.g. `2026-01-01T00:00+0000`.' }),
    modified_at: Type.String(),
  },
  { title: 'User' },
);
export type UserBody = Static<typeof UserSchema>;

export const CreateUserBodySchema = Type.Object({
  email: DisplayName({ minLength: 3, maxLength: 254, description: 'Unique across vigil; stored lower-cased.' }),
  name: DisplayName({ minLength: 1, maxLength: 200 }),
  password: Type.String({ minLength: 8, maxLength: 1024, description: 'At least 8 characters.' }),
  admin: Type.Optional(Type.Boolean({ description: 'Make the user an account administrator (administrators only).' })),
});
export type CreateUserBody = Static<typeof CreateUserBodySchema>;

export const ListUsersQuerySchema = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Page size (1–100).' })),
  start: Type.Optional(
    Type.Integer({ minimum: 0, description: 'Offset of the first user, as found in the `next` link.' }),
  ),
});

export const UserListSchema = Type.Object({
  users: Type.Array(UserSchema),
  offset: Type.Integer(),
  limit: Type.Integer(),
  next: Type.Optional(Type.String({ description: 'Full URL of the next page; absent on the last page.' })),
});
export type UserListBody = Static<typeof UserListSchema>;

export const UserParamsSchema = Type.Object({
  iam_id: Type.String({ minLength: 1, maxLength: 200 }),
});

export const ChangePasswordBodySchema = Type.Object({
  current_password: Type.String({ minLength: 1, maxLength: 1024 }),
  new_password: Type.String({ minLength: 8, maxLength: 1024, description: 'At least 8 characters.' }),
});
