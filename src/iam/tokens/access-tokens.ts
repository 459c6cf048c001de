import { SignJWT, jwtVerify, errors as joseErrors, type JWTPayload, type JWTHeaderParameters } from 'jose';
import type { Clock } from '../../platform/clock.js';
import type { Random } from '../../platform/crypto/random.js';
import { ACCESS_TOKEN_TTL_SECONDS, SIGNING_ALGORITHM, type SigningKeys } from './signing-keys.service.js';

/** Who a token is for: a user or a service ID, as the claims describe them. */
export type TokenSubject =
  | {
      readonly kind: 'user';
      readonly iamId: string;
      readonly accountId: string;
      readonly email: string;
      readonly name: string;
    }
  | {
      readonly kind: 'serviceid';
      readonly iamId: string;
      readonly serviceId: string;
      readonly accountId: string;
      readonly name: string;
    };

export interface IssueOptions {
  readonly grantType: string;
  readonly clientId: string;
  readonly scope: string;
  /** The API key the token was obtained with, so that deleting or disabling the key ends the token's access. */
  readonly apikeyId: string | null;
}

/** The claims of a vigil access token: IBM's, plus `apikey_id` (vigil's own). */
export interface AccessTokenClaims extends JWTPayload {
  iam_id: string;
  id: string;
  realmid: string;
  identifier: string;
  sub: string;
  sub_type: 'user' | 'ServiceId';
  name: string;
  email?: string;
  given_name?: string;
  family_name?: string;
  account: { valid: boolean; bss: string; frozen: boolean };
  authn?: { sub: string; iam_id: string; sub_type: string; name: string };
  iat: number;
  exp: number;
  iss: string;
  grant_type: string;
  scope: string;
  client_id: string;
  acr: number;
  amr: string[];
  jti: string;
  apikey_id?: string;
}

export interface IssuedAccessToken {
  readonly token: string;
  readonly claims: AccessTokenClaims;
}

const CACHE_LIMIT = 10_000;
const MAX_TOKEN_LENGTH = 8192;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const CLOCK_TOLERANCE_SECONDS = 30;

/**
 * Signs and verifies IAM access tokens. Verification takes only RS256 and only vigil's own keys by kid; `jku`, `x5u`
 * and embedded `jwk` headers are never followed (RFC 8725). Successful verifications are cached by token string until
 * the token expires, since a signature cannot change its mind; revocation is checked after this, per request.
 */
export class AccessTokens {
  private readonly cache = new Map<string, AccessTokenClaims>();
  readonly issuer: string;

  constructor(
    private readonly keys: SigningKeys,
    private readonly clock: Clock,
    private readonly random: Random,
    publicUrl: string,
  ) {
    this.issuer = `${publicUrl}/identity`;
  }

  async issue(subject: TokenSubject, options: IssueOptions): Promise<IssuedAccessToken> {
    const iat = Math.floor(this.clock.now() / 1000);
    const common = {
      iam_id: subject.iamId,
      id: subject.iamId,
      name: subject.name,
      account: { valid: true, bss: subject.accountId, frozen: false },
      iat,
      exp: iat + ACCESS_TOKEN_TTL_SECONDS,
      iss: this.issuer,
      grant_type: options.grantType,
      scope: options.scope,
      client_id: options.clientId,
      acr: 1,
      amr: ['pwd'],
      jti: this.random.uuid(),
      ...(options.apikeyId ? { apikey_id: options.apikeyId } : {}),
    };
    const claims: AccessTokenClaims =
      subject.kind === 'user'
        ? {
            ...common,
            realmid: 'IBMid',
            identifier: subject.iamId.replace(/^IBMid-/, ''),
            sub: subject.email,
            sub_type: 'user',
            email: subject.email,
            ...splitName(subject.name),
          }
        : {
            ...common,
            realmid: 'iam',
            identifier: subject.serviceId,
            sub: subject.serviceId,
            sub_type: 'ServiceId',
            authn: { sub: subject.serviceId, iam_id: subject.iamId, sub_type: 'ServiceId', name: subject.name },
          };
    const { kid, privateKey } = this.keys.current();
    const token = await new SignJWT(claims).setProtectedHeader({ alg: SIGNING_ALGORITHM, kid }).sign(privateKey);
    return { token, claims };
  }

  /** Verifies signature, algorithm, kid, issuer and lifetime; returns the claims or undefined. Never throws. */
  async verify(token: string): Promise<AccessTokenClaims | undefined> {
    // Only the canonical compact form (unpadded base64url, three segments, a sane size): jose would also decode
    // padded segments, and a token that is not what vigil issues is not worth a signature check.
    if (token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) return undefined;
    const nowSeconds = Math.floor(this.clock.now() / 1000);
    const cached = this.cache.get(token);
    if (cached) {
      if (cached.exp + CLOCK_TOLERANCE_SECONDS > nowSeconds) return cached;
      this.cache.delete(token);
      return undefined;
    }
    try {
      const { payload } = await jwtVerify(token, (header: JWTHeaderParameters) => this.keyFor(header), {
        algorithms: [SIGNING_ALGORITHM],
        issuer: this.issuer,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: new Date(this.clock.now()),
        requiredClaims: ['iat', 'exp', 'iam_id', 'sub'],
      });
      if (!isAccessTokenClaims(payload)) return undefined;
      if (payload.iat > nowSeconds + CLOCK_TOLERANCE_SECONDS) return undefined;
      if (this.cache.size >= CACHE_LIMIT) this.evict(nowSeconds);
      this.cache.set(token, payload);
      return payload;
    } catch (error) {
      if (error instanceof joseErrors.JOSEError || error instanceof TypeError) return undefined;
      throw error;
    }
  }

  private async keyFor(header: JWTHeaderParameters) {
    // Only vigil's own keys, found by kid: headers that point elsewhere are refused outright.
    if (header.jku !== undefined || header.x5u !== undefined || header.jwk !== undefined || header.x5c !== undefined) {
      throw new joseErrors.JWSInvalid('key-locating headers are not accepted');
    }
    if (typeof header.kid !== 'string') throw new joseErrors.JWSInvalid('missing kid');
    const key = await this.keys.verificationKey(header.kid);
    if (!key) throw new joseErrors.JWKSNoMatchingKey();
    return key;
  }

  private evict(nowSeconds: number): void {
    for (const [token, claims] of this.cache) {
      if (claims.exp <= nowSeconds) this.cache.delete(token);
    }
    // Still full: drop the oldest half (Map keeps insertion order).
    if (this.cache.size >= CACHE_LIMIT) {
      let drop = this.cache.size / 2;
      for (const token of this.cache.keys()) {
        if (drop-- <= 0) break;
        this.cache.delete(token);
      }
    }
  }
}

function splitName(name: string): { given_name: string; family_name: string } {
  const [given = '', ...rest] = name.trim().split(/\s+/);
  return { given_name: given, family_name: rest.join(' ') };
}

function isAccessTokenClaims(payload: JWTPayload): payload is AccessTokenClaims {
  const p = payload as Partial<AccessTokenClaims>;
  return (
    typeof p.iam_id === 'string' &&
    typeof p.sub === 'string' &&
    (p.sub_type === 'user' || p.sub_type === 'ServiceId') &&
    typeof p.account?.bss === 'string' &&
    typeof p.iat === 'number' &&
    typeof p.exp === 'number'
  );
}
