import { VigilApiError } from '../client/errors.js';
import type { TokenResponse } from '../client/identity.js';
import type { VigilClient } from '../client/vigil-client.js';
import { CliError, LOGIN_HINT } from './errors.js';
import type { Session } from './session.js';

/** Refresh when the access token has less than this left (IBM's CLI refreshes ahead of expiry too). */
const REFRESH_MARGIN_SECONDS = 300;

interface TokenClaims {
  readonly iamId: string;
  readonly accountId: string;
  readonly user: string;
}

/** The claims the CLI shows (`vigil target`), read from the token the server just issued; nothing is verified here. */
function claimsOf(accessToken: string): TokenClaims {
  const payload = accessToken.split('.')[1];
  if (!payload) throw new CliError('the server returned an access token that is not a JWT');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
    iam_id?: string;
    email?: string;
    sub?: string;
    account?: { bss?: string };
  };
  return {
    iamId: claims.iam_id ?? '',
    accountId: claims.account?.bss ?? '',
    // As IBM's CLI: a user by email, a service ID by its id (`ServiceId-…`), which a rename does not change.
    user: claims.email ?? claims.sub ?? claims.iam_id ?? '',
  };
}

/** A session from a token response (login), keeping the instance and team targeted before when it is the same user. */
export function sessionFrom(endpoint: string, tokens: TokenResponse, previous?: Session): Session {
  const claims = claimsOf(tokens.access_token);
  const same = previous && previous.endpoint === endpoint && previous.iamId === claims.iamId;
  return {
    endpoint,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    expiresAt: tokens.expiration,
    ...claims,
    ...(same && previous.instance ? { instance: previous.instance } : {}),
    ...(same && previous.team ? { team: previous.team } : {}),
  };
}

/**
 * The session with an access token good for at least the margin: the saved one, or a new one obtained with the
 * refresh token (single use: the new refresh token replaces it). A refused refresh means logging in again.
 */
export async function refreshed(session: Session, client: VigilClient, nowSeconds: number): Promise<Session> {
  if (session.expiresAt - nowSeconds > REFRESH_MARGIN_SECONDS) return session;
  if (!session.refreshToken || session.refreshToken === 'not_supported') {
    throw new CliError('The session has expired', LOGIN_HINT);
  }
  let tokens: TokenResponse;
  try {
    tokens = await client.identity.refreshGrant(session.refreshToken);
  } catch (error) {
    if (error instanceof VigilApiError && error.status < 500) {
      throw new CliError(`The session has expired and could not be renewed (${error.message})`, LOGIN_HINT);
    }
    throw error;
  }
  return { ...sessionFrom(session.endpoint, tokens, session), instance: session.instance, team: session.team };
}
