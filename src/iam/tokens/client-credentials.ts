import { constantTimeEqual } from '../../platform/crypto/keyring.js';
import type { ClientId } from './grants/grant.js';

/**
 * The OAuth clients vigil knows. `bx` / `bx` is the public client of IBM's CLI and of bluemix-go; it is not a secret,
 * but the pair must match, as on IBM Cloud.
 */
const KNOWN_CLIENTS: ReadonlyMap<string, string> = new Map([['bx', 'bx']]);

/**
 * The client a token request authenticates as: `default` without an Authorization header (IamAuthenticator without
 * clientId/clientSecret), the client of valid `Basic` credentials, or undefined for anything else (unknown client,
 * wrong secret, another scheme, garbage), which the token endpoint refuses.
 */
export function clientFromAuthorization(authorization: string | undefined): ClientId | undefined {
  if (authorization === undefined || authorization.trim() === '') return 'default';
  const match = /^basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(authorization.trim());
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator < 0) return undefined;
  const id = decoded.slice(0, separator);
  const secret = KNOWN_CLIENTS.get(id);
  // Compare in constant time even for an unknown id, so timing does not tell which clients exist.
  const matches = constantTimeEqual(decoded.slice(separator + 1), secret ?? '\u0000unknown-client');
  return secret !== undefined && matches ? (id as ClientId) : undefined;
}
