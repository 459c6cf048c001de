import { AppError } from '../platform/errors.js';

/**
 * The IAM error catalog. Codes and BXNIM message codes follow IBM Cloud IAM where it documents them
 * (reference/ibm-iam.md); the renderers put them in the v1 shape `{trace, errors[], status_code}` or in the token
 * endpoint's `{errorCode, errorMessage, context}`.
 */
export const iamErrors = {
  notFound: (type: string, id: string) =>
    new AppError(404, 'not_found', 'Unable to find object', {
      messageCode: 'BXNIM0102E',
      details: `Object type ${type} with id ${id} could not be found.`,
    }),
  missingToken: () =>
    new AppError(401, 'missing_token', 'Authorization header with a Bearer token is required.', {
      messageCode: 'BXNIM0308E',
      headers: { 'www-authenticate': 'Bearer realm="vigil"' },
    }),
  invalidToken: () =>
    new AppError(401, 'invalid_token', 'Provided token is invalid or expired.', {
      messageCode: 'BXNIM0407E',
      headers: { 'www-authenticate': 'Bearer realm="vigil", error="invalid_token"' },
    }),
  forbidden: (what = 'perform this action') =>
    new AppError(403, 'insufficent_permissions', `You are not authorized to ${what}.`, { messageCode: 'BXNIM0513E' }),
  badRequest: (message: string, details?: string) =>
    new AppError(400, 'invalid_body', message, { messageCode: 'BXNIM0109E', ...(details ? { details } : {}) }),
  iamIdMismatch: () =>
    new AppError(400, 'bad_request', 'The specified IAM ID does not match the IAM ID in the token.', {
      messageCode: 'BXNIM0509E',
    }),
  invalidAccountId: () =>
    new AppError(400, 'invalid_account_id', 'The account_id is not valid: it must be the account of the caller.'),
  invalidPageToken: () =>
    new AppError(400, 'invalid_pagetoken', 'The pagetoken is not valid: use the one from the `next` link.'),
  missingHeader: (name: string) => new AppError(400, 'missing_header', `The ${name} header is required.`),
  malformedApiKey: () =>
    new AppError(
      400,
      'invalid_apikey',
      'The apikey value is not a well-formed vigil API key (vigil_ak_…); leave it out to have one generated.',
    ),
  apiKeyValueNotFound: () =>
    new AppError(404, 'not_found', 'Unable to find object', {
      messageCode: 'BXNIM0102E',
      details: 'Object type ApiKey with the value given in the IAM-ApiKey header could not be found.',
    }),
  invalidExpiry: () =>
    new AppError(400, 'invalid_expires_at', 'expires_at is not a valid date, e.g. 2049-01-02T18:30:00+0000.'),
  ifMatchRequired: () =>
    new AppError(400, 'missing_if_match', 'The If-Match header is required. Use the entity_tag from GET, or *.', {
      messageCode: 'BXNIM0500E',
    }),
  staleEntityTag: () =>
    new AppError(409, 'conflict', 'The entity has changed since it was read: If-Match does not match its entity_tag.', {
      messageCode: 'BXNIM0501E',
    }),
  locked: (type: string) =>
    new AppError(409, 'entity_locked', `The ${type} is locked and cannot be changed or deleted. Unlock it first.`, {
      messageCode: 'BXNIM0510E',
    }),
  conflict: (message: string) => new AppError(409, 'conflict', message, { messageCode: 'BXNIM0503E' }),
  wrongCurrentPassword: () =>
    new AppError(400, 'invalid_current_password', 'The current password is not correct.', {
      messageCode: 'BXNIM0602E',
    }),
  policyConflict: (existingId: string) =>
    new AppError(409, 'policy_conflict_error', `Failed to create policy: it duplicates policy ${existingId}.`, {
      details: existingId,
    }),
  policyNotFound: (id: string) => new AppError(404, 'policy_not_found', `Policy with ID ${id} could not be found.`),
  roleNotFound: (roleId: string) =>
    new AppError(400, 'role_not_found', `Role ${roleId} does not exist or cannot be granted on this resource.`),
  missingQueryParameter: (name: string) =>
    new AppError(400, 'missing_required_query_parameter', `The query parameter '${name}' is required.`),
  tooManyRequests: (retryAfterSeconds: number) =>
    new AppError(429, 'too_many_requests', 'Too many requests. Try again later.', {
      messageCode: 'BXNIM0420E',
      headers: { 'retry-after': String(retryAfterSeconds) },
    }),
  /** The one answer to a refused console sign-in: unknown email, wrong password and disabled user look alike. */
  loginFailed: () =>
    new AppError(401, 'invalid_credentials', 'The email or password is not correct.', { messageCode: 'BXNIM0602E' }),
  noSession: () => new AppError(401, 'invalid_session', 'No valid console session. Sign in again.'),
  csrfMismatch: () =>
    new AppError(
      403,
      'invalid_csrf_token',
      'A request made with the console session cookie must carry the session’s X-CSRF-Token header.',
    ),
} as const;

/** The token endpoint's catalog (errorCode = BXNIM code). */
export const tokenErrors = {
  apiKeyNotFound: () =>
    new AppError(400, 'apikey_not_found', 'Provided API key could not be found.', { messageCode: 'BXNIM0415E' }),
  missingProperty: (property: string) =>
    new AppError(400, 'missing_property', 'Property missing or empty.', {
      messageCode: 'BXNIM0109E',
      details: `Property '${property}' either missing or empty.`,
    }),
  unsupportedGrant: (grant: string) =>
    new AppError(400, 'unsupported_grant_type', 'Unsupported grant type.', {
      messageCode: 'BXNIM0104E',
      details: `Grant type '${grant}' is not supported.`,
    }),
  invalidRefreshToken: () =>
    new AppError(400, 'invalid_refresh_token', 'Provided refresh token is invalid.', { messageCode: 'BXNIM0407E' }),
  expiredRefreshToken: () =>
    new AppError(400, 'expired_refresh_token', 'Provided refresh token is expired', { messageCode: 'BXNIM0408E' }),
  invalidCredentials: () =>
    new AppError(400, 'invalid_credentials', 'Provided user name or password is invalid.', {
      messageCode: 'BXNIM0602E',
    }),
  invalidClient: () =>
    new AppError(401, 'invalid_client', 'Provided client credentials are invalid.', { messageCode: 'BXNIM0416E' }),
  methodNotAllowed: () => new AppError(405, 'method_not_allowed', 'Method not allowed.', { messageCode: 'BXNIM0060E' }),
  unsupportedMediaType: () =>
    new AppError(400, 'unsupported_media_type', 'Content-Type must be application/x-www-form-urlencoded.', {
      messageCode: 'BXNIM0109E',
    }),
  payloadTooLarge: () =>
    new AppError(413, 'payload_too_large', 'The request body is too large.', { messageCode: 'BXNIM0109E' }),
  tooManyRequests: (retryAfterSeconds: number) =>
    new AppError(429, 'too_many_requests', 'Too many requests. Try again later.', {
      messageCode: 'BXNIM0420E',
      headers: { 'retry-after': String(retryAfterSeconds) },
    }),
  signInLocked: (retryAfterSeconds: number) => signInLocked(retryAfterSeconds),
} as const;

/** Password sign-in locked after too many wrong passwords; the same for the token endpoint and the console. */
function signInLocked(retryAfterSeconds: number): AppError {
  return new AppError(
    429,
    'signin_locked',
    'Too many failed sign-ins for this user: password sign-in is locked for a while. Try again later, or ask an ' +
      'administrator to unlock it.',
    { messageCode: 'BXNIM0420E', headers: { 'retry-after': String(retryAfterSeconds) } },
  );
}
