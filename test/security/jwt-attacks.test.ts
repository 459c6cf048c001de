import assert from 'node:assert/strict';
import { createHmac, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, it } from 'node:test';
import { SignJWT, exportJWK, exportSPKI, type JWTPayload } from 'jose';
import { cryptoRandom } from '../../src/platform/crypto/random.js';
import { generateSecret } from '../../src/platform/crypto/secret-token.js';
import { ids } from '../../src/iam/ids.js';
import { bearer, describeEachDatabase, type TestApp } from '../../src/testing/test-app.js';
import { createServiceId } from '../../src/testing/identity-fixtures.js';

/**
 * The JWT attack suite (RFC 8725; jwt_tool's classes): every forged, altered, expired or orphaned token is refused
 * with 401 in IBM's v1 shape on an authenticated route, and a genuine token is accepted there.
 */

const ROUTE = '/v1/admin/signing-keys';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A token with any header and payload, and a chosen signature segment. */
function compact(header: Record<string, unknown>, payload: JWTPayload, signature = ''): string {
  return `${b64(header)}.${b64(payload)}.${signature}`;
}

/** HS256 over header.payload with an arbitrary secret, bypassing any library's key-type checks. */
function hs256(header: Record<string, unknown>, payload: JWTPayload, secret: string | Buffer): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

interface Fixture {
  readonly app: TestApp;
  /** A genuine admin token and its parts. */
  readonly token: string;
  readonly header: Record<string, unknown>;
  readonly payload: JWTPayload;
  readonly kid: string;
  readonly realKey: KeyObject;
  readonly publicPem: string;
  readonly publicJwk: Record<string, unknown>;
  readonly attacker: { privateKey: KeyObject; jwk: Record<string, unknown> };
}

const fixtures = new WeakMap<TestApp, Promise<Fixture>>();

/** One fixture per app (an RSA key pair is slow to make): forging never changes it. */
function fixture(app: TestApp): Promise<Fixture> {
  let made = fixtures.get(app);
  if (!made) {
    made = makeFixture(app);
    fixtures.set(app, made);
  }
  return made;
}

async function makeFixture(app: TestApp): Promise<Fixture> {
  const token = await app.admin.token();
  const [h, p] = token.split('.') as [string, string];
  const { kid, privateKey } = app.iam.signingKeys.current();
  const publicKey = createPublicKey(privateKey);
  const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    app,
    token,
    header: JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(p, 'base64url').toString()) as JWTPayload,
    kid,
    realKey: privateKey,
    publicPem: await exportSPKI(publicKey),
    publicJwk: { ...(await exportJWK(publicKey)), alg: 'RS256', kid },
    attacker: {
      privateKey: attacker.privateKey,
      jwk: { ...(await exportJWK(attacker.publicKey)), alg: 'RS256', kid: 'attacker' },
    },
  };
}

/** Signs with a real or attacker key through jose, with any protected header. */
function sign(payload: JWTPayload, header: Record<string, unknown>, key: KeyObject): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', ...header }).sign(key);
}

async function assertRefused(app: TestApp, authorization: string): Promise<void> {
  const res = await app.http.inject({ method: 'GET', url: ROUTE, headers: { authorization } });
  assert.equal(res.statusCode, 401, `accepted: ${authorization.slice(0, 80)}…`);
  const body = res.json() as { errors: Array<{ code: string }> };
  const code = body.errors[0]?.code;
  assert.ok(code === 'invalid_token' || code === 'missing_token', code);
  assert.deepEqual(body, {
    trace: res.headers['x-request-id'],
    errors: [
      code === 'invalid_token'
        ? { code, message_code: 'BXNIM0407E', message: 'Provided token is invalid or expired.' }
        : { code, message_code: 'BXNIM0308E', message: 'Authorization header with a Bearer token is required.' },
    ],
    status_code: 401,
  });
  assert.match(String(res.headers['www-authenticate']), /^Bearer realm="vigil"/);
}

type Forge = (f: Fixture) => Promise<string> | string;

const ATTACKS: ReadonlyArray<readonly [string, Forge]> = [
  // alg: none, in its spellings, with no signature and with the genuine one kept.
  ...['none', 'None', 'NONE', 'nOnE'].flatMap((alg): Array<readonly [string, Forge]> => [
    [`alg "${alg}" without a signature`, (f) => compact({ ...f.header, alg }, f.payload)],
    [
      `alg "${alg}" keeping the genuine signature`,
      (f) => compact({ ...f.header, alg }, f.payload, f.token.split('.')[2]),
    ],
    [`alg "${alg}" with no kid`, (f) => compact({ alg, typ: 'JWT' }, f.payload)],
  ]),
  ['alg "" (empty)', (f) => compact({ ...f.header, alg: '' }, f.payload)],
  // RS/HS key confusion: the public key used as an HMAC secret.
  ['HS256 signed with the public key (PEM)', (f) => hs256({ alg: 'HS256', kid: f.kid }, f.payload, f.publicPem)],
  [
    'HS256 signed with the public key (PEM, no trailing newline)',
    (f) => hs256({ alg: 'HS256', kid: f.kid }, f.payload, f.publicPem.trim()),
  ],
  [
    'HS256 signed with the public key (JWK JSON)',
    (f) => hs256({ alg: 'HS256', kid: f.kid }, f.payload, JSON.stringify(f.publicJwk)),
  ],
  [
    'HS256 signed with the modulus bytes',
    (f) => hs256({ alg: 'HS256', kid: f.kid }, f.payload, Buffer.from(String(f.publicJwk['n']), 'base64url')),
  ],
  // Other algorithms with vigil's own key: only RS256 is allowed.
  ['PS256 signed with the genuine key', (f) => sign(f.payload, { alg: 'PS256', kid: f.kid }, f.realKey)],
  ['RS512 signed with the genuine key', (f) => sign(f.payload, { alg: 'RS512', kid: f.kid }, f.realKey)],
  // Keys that are not vigil's.
  ['an unknown kid (attacker key)', (f) => sign(f.payload, { kid: 'attacker' }, f.attacker.privateKey)],
  ['the genuine kid, signed by the attacker', (f) => sign(f.payload, { kid: f.kid }, f.attacker.privateKey)],
  ['no kid at all (genuine key)', (f) => sign(f.payload, {}, f.realKey)],
  ['a kid with path traversal', (f) => sign(f.payload, { kid: '../../../../dev/null' }, f.attacker.privateKey)],
  ['a kid with SQL', (f) => sign(f.payload, { kid: "x' OR '1'='1" }, f.attacker.privateKey)],
  [
    'jku pointing at the attacker’s JWKS',
    (f) => sign(f.payload, { kid: 'attacker', jku: 'https://attacker.example/jwks.json' }, f.attacker.privateKey),
  ],
  [
    'jku with the genuine kid',
    (f) => sign(f.payload, { kid: f.kid, jku: 'https://attacker.example/jwks.json' }, f.attacker.privateKey),
  ],
  [
    'x5u pointing at the attacker’s certificate',
    (f) => sign(f.payload, { kid: 'attacker', x5u: 'https://attacker.example/cert.pem' }, f.attacker.privateKey),
  ],
  [
    'an embedded jwk (the attacker’s)',
    (f) => sign(f.payload, { jwk: f.attacker.jwk, kid: 'attacker' }, f.attacker.privateKey),
  ],
  [
    'an embedded jwk with the genuine kid',
    (f) => sign(f.payload, { jwk: { ...f.attacker.jwk, kid: f.kid }, kid: f.kid }, f.attacker.privateKey),
  ],
  // Genuine signatures over claims that must not pass.
  [
    'expired (genuine key)',
    (f) => sign({ ...f.payload, iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 }, { kid: f.kid }, f.realKey),
  ],
  [
    'issued in the future (genuine key)',
    (f) => sign({ ...f.payload, iat: nowSeconds() + 600, exp: nowSeconds() + 4200 }, { kid: f.kid }, f.realKey),
  ],
  [
    'not valid before a future nbf (genuine key)',
    (f) => sign({ ...f.payload, nbf: nowSeconds() + 600 }, { kid: f.kid }, f.realKey),
  ],
  [
    'a wrong issuer (genuine key)',
    (f) => sign({ ...f.payload, iss: 'https://iam.cloud.ibm.com/identity' }, { kid: f.kid }, f.realKey),
  ],
  [
    'no exp (genuine key)',
    (f) => {
      const rest = { ...f.payload };
      delete rest.exp;
      return sign(rest, { kid: f.kid }, f.realKey);
    },
  ],
  [
    'the account of another subject (genuine key, valid claims otherwise)',
    (f) =>
      sign({ ...f.payload, account: { valid: true, bss: 'f'.repeat(32), frozen: false } }, { kid: f.kid }, f.realKey),
  ],
  // Tampering.
  [
    'a tampered payload (genuine signature)',
    (f) => {
      const [h, , s] = f.token.split('.');
      return `${h}.${b64({ ...f.payload, iam_id: 'IBMid-ATTACKER', exp: nowSeconds() + 86_400 })}.${s}`;
    },
  ],
  [
    'a tampered header (genuine signature)',
    (f) => {
      const [, p, s] = f.token.split('.');
      return `${b64({ ...f.header, typ: 'JWT' })}.${p}.${s}`;
    },
  ],
  ['a truncated signature', (f) => f.token.slice(0, -10)],
  ['a padded (non-canonical) segment', (f) => `${f.token}==`],
  // Garbage.
  ['garbage', () => 'not.a.jwt'],
  ['two segments', (f) => f.token.split('.').slice(0, 2).join('.')],
  ['four segments', (f) => `${f.token}.extra`],
  ['a huge token', () => `${'a'.repeat(8000)}.${'b'.repeat(8000)}.${'c'.repeat(8000)}`],
  ['an API key instead of a token', () => generateSecret('apiKey', cryptoRandom)],
];

describeEachDatabase('JWT attacks on an authenticated route (GET /v1/admin/signing-keys)', (t) => {
  it('accepts the genuine token (the baseline every attack starts from)', async () => {
    const app = t.app();
    const res = await app.http.inject({ method: 'GET', url: ROUTE, headers: bearer(await app.admin.token()) });
    assert.equal(res.statusCode, 200, res.body);
  });

  describe('forged and altered tokens', () => {
    for (const [name, forge] of ATTACKS) {
      it(`refuses ${name}`, async () => {
        const f = await fixture(t.app());
        await assertRefused(f.app, `Bearer ${await forge(f)}`);
      });
    }
  });

  describe('malformed Authorization headers', () => {
    for (const header of ['Bearer ', 'Bearer', 'Basic YWRtaW46YWRtaW4=', 'Bearer a b c', '   ']) {
      it(`refuses ${JSON.stringify(header)}`, async () => {
        await assertRefused(t.app(), header);
      });
    }
  });

  describe('genuine tokens whose subject or key is gone', () => {
    it('refuses the token of a deleted service ID', async () => {
      const app = t.app();
      const { id, iamId } = await createServiceId(app, app.accountId, 'doomed');
      const token = await app.tokenFor(iamId);
      const before = await app.http.inject({ method: 'GET', url: ROUTE, headers: bearer(token) });
      assert.equal(before.statusCode, 403, 'a live service ID is authenticated (and not an admin)');
      await app.database.db.deleteFrom('service_ids').where('id', '=', id).execute();
      await app.feed.publish({ topic: 'serviceid', key: iamId });
      await assertRefused(app, `Bearer ${token}`);
    });

    for (const fate of ['deleted', 'disabled'] as const) {
      it(`refuses a token obtained with an API key that was since ${fate}`, async () => {
        const app = t.app();
        const apikeyId = ids.apiKey(cryptoRandom);
        const now = new Date().toISOString();
        await app.database.db
          .insertInto('api_keys')
          .values({
            id: apikeyId,
            account_id: app.accountId,
            iam_id: app.admin.iamId,
            owner_type: 'user',
            name: 'doomed',
            description: null,
            key_hash: app.iam.ctx.keyring.index(generateSecret('apiKey', cryptoRandom)),
            locked: 0,
            disabled: 0,
            support_sessions: 0,
            action_when_leaked: 'none',
            expires_at: null,
            version: 1,
            created_by: app.admin.iamId,
            created_at: now,
            modified_at: now,
            last_authn: null,
            authn_count: 0,
          })
          .execute();
        const token = await app.tokenFor(app.admin.iamId, apikeyId);
        assert.equal((await app.http.inject({ method: 'GET', url: ROUTE, headers: bearer(token) })).statusCode, 200);
        if (fate === 'deleted') await app.database.db.deleteFrom('api_keys').where('id', '=', apikeyId).execute();
        else await app.database.db.updateTable('api_keys').set({ disabled: 1 }).where('id', '=', apikeyId).execute();
        await app.feed.publish({ topic: 'apikey', key: apikeyId });
        await assertRefused(app, `Bearer ${token}`);
      });
    }

    it('refuses the token of a disabled user', async () => {
      const app = t.app();
      const user = await app.createUser({ admin: true });
      const token = await user.token();
      assert.equal((await app.http.inject({ method: 'GET', url: ROUTE, headers: bearer(token) })).statusCode, 200);
      await app.database.db.updateTable('users').set({ state: 'DISABLED' }).where('iam_id', '=', user.iamId).execute();
      await app.feed.publish({ topic: 'user', key: user.iamId });
      await assertRefused(app, `Bearer ${token}`);
    });
  });
});
