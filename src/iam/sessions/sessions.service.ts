import type { RequestOrigin } from '../../platform/audit/audit.service.js';
import { isoAt } from '../../platform/clock.js';
import { constantTimeEqual } from '../../platform/crypto/keyring.js';
import { generateSecret, isWellFormedSecret } from '../../platform/crypto/secret-token.js';
import type { ConsoleSessionRow } from '../../platform/db/schema.js';
import type { Principal } from '../auth/principal.js';
import type { SubjectStatus } from '../auth/subject-status.js';
import type { IamContext } from '../context.js';
import { iamErrors } from '../errors.js';
import { GrantFailure } from '../tokens/grants/grant.js';
import type { PasswordGrant } from '../tokens/grants/password.grant.js';
import type { TokenBuckets } from '../tokens/rate-limiter.js';
import type { SessionsRepository } from './sessions.repository.js';
import type { SessionBody } from './sessions.schema.js';

/** A session ends after 8 hours without use (DESIGN.md, Credentials)… */
export const SESSION_IDLE_TTL_MS = 8 * 3600 * 1000;
/** …and in any case 7 days after sign-in, however busy. */
const SESSION_ABSOLUTE_TTL_MS = 7 * 24 * 3600 * 1000;
/** Use is written at most this often per session, so that a request costs no write. */
const SESSION_TOUCH_INTERVAL_MS = 60_000;

/** A valid session cookie, resolved. */
export interface SessionAuth {
  readonly principal: Principal;
  /** The session's expiry moved forward on this request: send the cookie again with a fresh Max-Age. */
  readonly renewed: boolean;
  /** Seconds the cookie should live from now. */
  readonly maxAgeSeconds: number;
}

/** What a sign-in gives the route: the cookie value (for Set-Cookie only) and the body. */
export interface LoginResult {
  readonly cookie: string;
  readonly body: SessionBody;
}

/**
 * Console sessions: sign-in with email and password (the password grant's own check, rate limits and uniform
 * failure), cookie resolution with sliding expiry, the CSRF token, sign-out, and revocation of a user's sessions
 * (password change, disable, delete). The cookie value is a `vigil_cs_…` secret stored only as its HMAC; the CSRF
 * token is a second HMAC of it, so it needs no storage and is worthless without the cookie.
 */
/** What console sign-in works with, built by createIam: its own budget per client address, and the password grant. */
export interface SessionsParts {
  readonly perIp: TokenBuckets;
  readonly password: PasswordGrant;
}

export class SessionsService {
  private readonly password: PasswordGrant;
  private readonly perIp: TokenBuckets;

  constructor(
    private readonly ctx: IamContext,
    private readonly sessions: SessionsRepository,
    private readonly status: SubjectStatus,
    parts: SessionsParts,
  ) {
    this.perIp = parts.perIp;
    this.password = parts.password;
  }

  /** Opens a session for a user's email and password; every refusal is the same 401 (or 429 when rate limited). */
  async login(input: { email: string; password: string }, origin: RequestOrigin): Promise<LoginResult> {
    const wait = this.perIp.take(origin.ip ?? 'unknown');
    if (wait > 0) throw iamErrors.tooManyRequests(wait);
    let iamId: string;
    try {
      const result = await this.password.run({
        form: { grant_type: 'password', username: input.email, password: input.password },
        client: 'default',
        origin,
      });
      iamId = result.subject.iamId;
    } catch (error) {
      if (!(error instanceof GrantFailure)) throw error;
      const { context } = error;
      await this.ctx.audit.record(
        {
          accountId: context.accountId ?? null,
          action: 'session.login',
          outcome: 'failure',
          actorIamId: context.actorIamId ?? null,
          ...(context.target ? { targetType: context.target.type, targetId: context.target.id } : {}),
          details: { reason: error.reason },
        },
        origin,
      );
      throw error.error.status === 429 ? error.error : iamErrors.loginFailed();
    }
    const user = await this.ctx.repositories.users.findByIamId(iamId);
    if (!user) throw iamErrors.loginFailed();

    const { clock, keyring, random } = this.ctx;
    const cookie = generateSecret('session', random);
    const now = clock.now();
    const row: ConsoleSessionRow = {
      id: random.uuid(),
      token_index: keyring.index(cookie),
      iam_id: user.iam_id,
      account_id: user.account_id,
      created_at: isoAt(now),
      last_seen_at: isoAt(now),
      expires_at: isoAt(now + SESSION_IDLE_TTL_MS),
      revoked_at: null,
    };
    await this.sessions.insert(row);
    await this.ctx.audit.record(
      {
        accountId: user.account_id,
        action: 'session.login',
        actorIamId: user.iam_id,
        targetType: 'user',
        targetId: user.iam_id,
        details: { session_id: row.id },
      },
      origin,
    );
    return {
      cookie,
      body: {
        user: {
          iam_id: user.iam_id,
          email: user.email,
          name: user.name,
          account_id: user.account_id,
          admin: user.is_admin === 1,
        },
        csrf_token: this.csrfToken(cookie),
      },
    };
  }

  /**
   * The principal of a session cookie, or undefined when it is malformed, unknown, revoked, expired, or its user may
   * no longer act. Moves the idle expiry forward (at most once a minute).
   */
  async authenticate(cookie: string): Promise<SessionAuth | undefined> {
    if (!isWellFormedSecret('session', cookie)) return undefined;
    const row = await this.sessions.findByIndex(this.ctx.keyring.index(cookie));
    const now = this.ctx.clock.now();
    if (!row || row.revoked_at !== null || Date.parse(row.expires_at) <= now) return undefined;
    // The subject's state comes from the feed-emptied cache: a disabled user is refused on the next request.
    const state = await this.status.subject(row.iam_id);
    if (!state.active || state.kind !== 'user' || state.accountId !== row.account_id) return undefined;

    const absoluteEnd = Date.parse(row.created_at) + SESSION_ABSOLUTE_TTL_MS;
    let expiresAt = Date.parse(row.expires_at);
    let renewed = false;
    if (now - Date.parse(row.last_seen_at) >= SESSION_TOUCH_INTERVAL_MS) {
      expiresAt = Math.min(now + SESSION_IDLE_TTL_MS, absoluteEnd);
      await this.sessions.touch(row.id, isoAt(now), isoAt(expiresAt));
      renewed = true;
    }
    return {
      principal: {
        kind: 'user',
        iamId: row.iam_id,
        accountId: row.account_id,
        name: state.name,
        email: state.email,
        isAccountAdmin: state.isAccountAdmin,
        credential: { type: 'session', sessionId: row.id },
      },
      renewed,
      maxAgeSeconds: Math.max(0, Math.ceil((expiresAt - now) / 1000)),
    };
  }

  /** The body of `GET /auth/session` for an authenticated session principal. */
  async describe(principal: Principal, cookie: string): Promise<SessionBody> {
    return {
      user: {
        iam_id: principal.iamId,
        email: principal.email ?? '',
        name: principal.name,
        account_id: principal.accountId,
        admin: principal.isAccountAdmin,
      },
      csrf_token: this.csrfToken(cookie),
    };
  }

  /**
   * True when a request authenticated by `cookie` may go ahead: safe methods always, others only with the session's
   * CSRF token (compared in constant time).
   */
  csrfAllows(cookie: string, unsafe: boolean, header: string | undefined): boolean {
    if (!unsafe) return true;
    return header !== undefined && constantTimeEqual(header, this.csrfToken(cookie));
  }

  /** Ends the session of a cookie, if it is still live. */
  async logout(principal: Principal, origin: RequestOrigin): Promise<void> {
    if (principal.credential.type !== 'session') return;
    await this.sessions.revoke(principal.credential.sessionId, isoAt(this.ctx.clock.now()));
    await this.ctx.audit.record(
      {
        accountId: principal.accountId,
        action: 'session.logout',
        actorIamId: principal.iamId,
        targetType: 'user',
        targetId: principal.iamId,
        details: { session_id: principal.credential.sessionId },
      },
      origin,
    );
  }

  /** Revokes every live session of a user (password change, disable, delete), with an audit entry when any were. */
  async revokeAllOf(
    user: { iamId: string; accountId: string },
    reason: string,
    actorIamId: string | null,
    origin: RequestOrigin,
  ): Promise<void> {
    const count = await this.sessions.revokeAllOf(user.iamId, isoAt(this.ctx.clock.now()));
    if (count === 0) return;
    await this.ctx.audit.record(
      {
        accountId: user.accountId,
        action: 'session.revoke',
        actorIamId,
        targetType: 'user',
        targetId: user.iamId,
        details: { reason, sessions: count },
      },
      origin,
    );
  }

  private csrfToken(cookie: string): string {
    return this.ctx.keyring.index(`csrf:${cookie}`);
  }
}
