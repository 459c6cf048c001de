import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, type Config } from './config.js';

const CWD = '/srv/vigil';
const load = (env: Record<string, string>): Config => loadConfig(env, CWD);

/** The problems loadConfig reports for `env`, or fails when it accepts it. */
function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    load(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
  assert.fail(`accepted ${JSON.stringify(env)}`);
}

/** 32 bytes, base64, made at test time. */
const masterKeyBase64 = Buffer.from(Array.from({ length: 32 }, (_, i) => i * 7)).toString('base64');

describe('loadConfig: defaults (DESIGN.md, Configuration)', () => {
  it('with no VIGIL_* variable: loopback:8080, ./data, SQLite in it, the admin of vigil.local, info logs', () => {
    const config = load({});
    assert.deepEqual(config, {
      host: '127.0.0.1',
      port: 8080,
      dataDir: path.join(CWD, 'data'),
      database: { kind: 'sqlite', file: path.join(CWD, 'data', 'vigil.db') },
      publicUrl: 'http://127.0.0.1:8080',
      adminEmail: 'admin@vigil.local',
      adminPassword: undefined,
      masterKey: undefined,
      logLevel: 'info',
      metricsToken: undefined,
      metrics: {
        retention: 15 * 86_400_000,
        maxSamplesPerSecond: 1_000_000,
        maxActiveSeries: 1_000_000,
        maxSeriesPerMetric: 200_000,
        maxBodyBytes: 10 * 1024 * 1024,
        queryTimeout: 120_000,
        queryMaxSamples: 50_000_000,
        queryMaxLoadedSamples: 50_000_000,
        lookbackDelta: 300_000,
        selfMonitoring: null,
      },
    });
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.metrics));
  });

  it('treats empty and blank values as unset', () => {
    assert.deepEqual(
      load({ VIGIL_HOST: '', VIGIL_PORT: '  ', VIGIL_ADMIN_PASSWORD: '', VIGIL_LOG_LEVEL: '' }),
      load({}),
    );
  });

  it('ignores variables that are not vigil’s', () => {
    assert.deepEqual(load({ PORT: '1', HOST: 'x y', DATABASE_URL: 'mysql://' }), load({}));
  });
});

describe('loadConfig: each variable', () => {
  it('VIGIL_HOST sets the listen address and the default public URL (IPv6 in brackets)', () => {
    assert.equal(load({ VIGIL_HOST: '0.0.0.0' }).host, '0.0.0.0');
    assert.equal(load({ VIGIL_HOST: '0.0.0.0' }).publicUrl, 'http://0.0.0.0:8080');
    assert.equal(load({ VIGIL_HOST: 'vigil.example.com' }).host, 'vigil.example.com');
    assert.equal(load({ VIGIL_HOST: '::1' }).publicUrl, 'http://[::1]:8080');
    assert.deepEqual(problemsOf({ VIGIL_HOST: 'bad host!' }), [
      'VIGIL_HOST: "bad host!" is not a host name or address',
    ]);
  });

  it('VIGIL_PORT takes 0–65535 (0: any free port) and nothing else', () => {
    assert.equal(load({ VIGIL_PORT: '9090' }).port, 9090);
    assert.equal(load({ VIGIL_PORT: '9090' }).publicUrl, 'http://127.0.0.1:9090');
    assert.equal(load({ VIGIL_PORT: '0' }).port, 0);
    assert.equal(load({ VIGIL_PORT: '65535' }).port, 65535);
    for (const bad of ['65536', '-1', '80.5', 'http', '0x50']) {
      assert.deepEqual(problemsOf({ VIGIL_PORT: bad }), [`VIGIL_PORT: "${bad}" is not a port number (0-65535)`]);
    }
  });

  it('VIGIL_DATA_DIR is resolved against the working directory and holds the SQLite file', () => {
    const relative = load({ VIGIL_DATA_DIR: 'state' });
    assert.equal(relative.dataDir, '/srv/vigil/state');
    assert.deepEqual(relative.database, { kind: 'sqlite', file: '/srv/vigil/state/vigil.db' });
    assert.equal(load({ VIGIL_DATA_DIR: '/var/lib/vigil' }).dataDir, '/var/lib/vigil');
  });

  it('VIGIL_DATABASE_URL: postgres:// or postgresql:// selects PostgreSQL; sqlite: names a file; others are refused', () => {
    const url = 'postgres://vigil:pw@db.internal:5432/vigil?sslmode=require';
    assert.deepEqual(load({ VIGIL_DATABASE_URL: url }).database, { kind: 'postgres', url });
    assert.deepEqual(load({ VIGIL_DATABASE_URL: 'postgresql://db/vigil' }).database, {
      kind: 'postgres',
      url: 'postgresql://db/vigil',
    });
    assert.deepEqual(load({ VIGIL_DATABASE_URL: 'sqlite:/tmp/v.db' }).database, {
      kind: 'sqlite',
      file: '/tmp/v.db',
    });
    assert.deepEqual(load({ VIGIL_DATABASE_URL: 'sqlite://other.db' }).database, {
      kind: 'sqlite',
      file: '/srv/vigil/other.db',
    });
    assert.deepEqual(problemsOf({ VIGIL_DATABASE_URL: 'mysql://db/vigil' }), [
      'VIGIL_DATABASE_URL: must start with postgres:// (or sqlite: for a file)',
    ]);
    assert.deepEqual(problemsOf({ VIGIL_DATABASE_URL: 'postgres://[bad' }), [
      'VIGIL_DATABASE_URL: not a valid postgres:// URL',
    ]);
  });

  it('a bad VIGIL_DATABASE_URL is reported without echoing it (it may hold a password)', () => {
    const [problem] = problemsOf({ VIGIL_DATABASE_URL: 'postgres://user:s3cr3t@[bad' });
    assert.ok(problem !== undefined && !problem.includes('s3cr3t'));
  });

  it('VIGIL_PUBLIC_URL overrides the derived URL, without trailing slashes; only http(s)', () => {
    assert.equal(load({ VIGIL_PUBLIC_URL: 'https://vigil.example.com/' }).publicUrl, 'https://vigil.example.com');
    assert.equal(load({ VIGIL_PUBLIC_URL: 'https://example.com/vigil//' }).publicUrl, 'https://example.com/vigil');
    assert.equal(load({ VIGIL_PUBLIC_URL: 'http://x:1', VIGIL_PORT: '2' }).publicUrl, 'http://x:1');
    assert.deepEqual(problemsOf({ VIGIL_PUBLIC_URL: 'ftp://example.com' }), [
      'VIGIL_PUBLIC_URL: "ftp://example.com" is not an http(s) URL',
    ]);
    assert.deepEqual(problemsOf({ VIGIL_PUBLIC_URL: 'example.com' }), [
      'VIGIL_PUBLIC_URL: "example.com" is not an http(s) URL',
    ]);
  });

  it('VIGIL_ADMIN_EMAIL must look like an email address', () => {
    assert.equal(load({ VIGIL_ADMIN_EMAIL: 'ops@example.com' }).adminEmail, 'ops@example.com');
    assert.deepEqual(problemsOf({ VIGIL_ADMIN_EMAIL: 'ops' }), ['VIGIL_ADMIN_EMAIL: "ops" is not an email address']);
  });

  it('VIGIL_ADMIN_PASSWORD is kept verbatim and must have at least 8 characters; the error never echoes it', () => {
    const chosen = ` ${'p'.repeat(10)} `;
    assert.equal(load({ VIGIL_ADMIN_PASSWORD: chosen }).adminPassword, chosen);
    const short = 'x'.repeat(7);
    const problems = problemsOf({ VIGIL_ADMIN_PASSWORD: short });
    assert.deepEqual(problems, ['VIGIL_ADMIN_PASSWORD: must be at least 8 characters']);
    assert.ok(!problems.join('').includes(short));
  });

  it('VIGIL_MASTER_KEY must decode to exactly 32 bytes; the error never echoes it', () => {
    assert.deepEqual(load({ VIGIL_MASTER_KEY: masterKeyBase64 }).masterKey, Buffer.from(masterKeyBase64, 'base64'));
    const tooShort = Buffer.alloc(16, 1).toString('base64');
    for (const bad of [tooShort, 'not base64 at all!', `${masterKeyBase64}AAAA`]) {
      const problems = problemsOf({ VIGIL_MASTER_KEY: bad });
      assert.deepEqual(problems, ['VIGIL_MASTER_KEY: must be 32 bytes, base64-encoded (openssl rand -base64 32)']);
      assert.ok(!problems.join('').includes(bad));
    }
  });

  it('VIGIL_LOG_LEVEL takes pino’s levels', () => {
    for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) {
      assert.equal(load({ VIGIL_LOG_LEVEL: level }).logLevel, level);
    }
    assert.deepEqual(problemsOf({ VIGIL_LOG_LEVEL: 'verbose' }), [
      'VIGIL_LOG_LEVEL: "verbose" is not one of fatal, error, warn, info, debug, trace, silent',
    ]);
  });

  it('VIGIL_METRICS_TOKEN: 16-256 printable characters without spaces; the error never echoes it', () => {
    const token = Buffer.from(Array.from({ length: 24 }, (_, i) => i * 11)).toString('hex');
    assert.equal(load({ VIGIL_METRICS_TOKEN: token }).metricsToken, token);
    for (const bad of ['short-token', 'has a space in the middle', 'x'.repeat(257)]) {
      const problems = problemsOf({ VIGIL_METRICS_TOKEN: bad });
      assert.deepEqual(problems, [
        'VIGIL_METRICS_TOKEN: must be 16-256 printable characters without spaces (openssl rand -hex 24)',
      ]);
      assert.ok(!problems.join('').includes(bad));
    }
  });
});

describe('loadConfig: several bad values', () => {
  it('reports every bad variable at once, in one ConfigError whose message lists them', () => {
    const env = {
      VIGIL_HOST: 'no spaces allowed',
      VIGIL_PORT: '99999',
      VIGIL_DATABASE_URL: 'mongodb://x',
      VIGIL_PUBLIC_URL: 'nope',
      VIGIL_ADMIN_EMAIL: 'root',
      VIGIL_ADMIN_PASSWORD: 'short',
      VIGIL_MASTER_KEY: 'abc',
      VIGIL_LOG_LEVEL: 'loud',
    };
    let caught: unknown;
    try {
      load(env);
    } catch (error) {
      caught = error;
    }
    assert.ok(caught instanceof ConfigError);
    const expected = [
      'VIGIL_HOST: "no spaces allowed" is not a host name or address',
      'VIGIL_PORT: "99999" is not a port number (0-65535)',
      'VIGIL_DATABASE_URL: must start with postgres:// (or sqlite: for a file)',
      'VIGIL_PUBLIC_URL: "nope" is not an http(s) URL',
      'VIGIL_ADMIN_EMAIL: "root" is not an email address',
      'VIGIL_ADMIN_PASSWORD: must be at least 8 characters',
      'VIGIL_MASTER_KEY: must be 32 bytes, base64-encoded (openssl rand -base64 32)',
      'VIGIL_LOG_LEVEL: "loud" is not one of fatal, error, warn, info, debug, trace, silent',
    ];
    assert.deepEqual(caught.problems, expected);
    assert.equal(caught.message, `invalid configuration:\n${expected.map((p) => `  - ${p}`).join('\n')}`);
  });
});

describe('loadConfig: the metrics plane (VIGIL_METRICS_*, VIGIL_SELF_MONITORING)', () => {
  it('reads durations and limits', () => {
    const { metrics } = load({
      VIGIL_METRICS_RETENTION: '30d',
      VIGIL_METRICS_MAX_SAMPLES_PER_SECOND: '250_000',
      VIGIL_METRICS_MAX_ACTIVE_SERIES: '100000',
      VIGIL_METRICS_MAX_SERIES_PER_METRIC: '5000',
      VIGIL_METRICS_MAX_BODY_BYTES: '1048576',
      VIGIL_METRICS_QUERY_TIMEOUT: '30s',
      VIGIL_METRICS_QUERY_MAX_SAMPLES: '1000',
      VIGIL_METRICS_QUERY_MAX_LOADED_SAMPLES: '2000',
      VIGIL_METRICS_LOOKBACK_DELTA: '1m',
      VIGIL_SELF_MONITORING: 'prod-monitoring/Operators',
      VIGIL_SELF_MONITORING_INTERVAL: '30s',
    });
    assert.deepEqual(metrics, {
      retention: 30 * 86_400_000,
      maxSamplesPerSecond: 250_000,
      maxActiveSeries: 100_000,
      maxSeriesPerMetric: 5000,
      maxBodyBytes: 1_048_576,
      queryTimeout: 30_000,
      queryMaxSamples: 1000,
      queryMaxLoadedSamples: 2000,
      lookbackDelta: 60_000,
      selfMonitoring: { instance: 'prod-monitoring', team: 'Operators', interval: 30_000 },
    });
    assert.deepEqual(load({ VIGIL_SELF_MONITORING: 'abc' }).metrics.selfMonitoring, {
      instance: 'abc',
      team: null,
      interval: 15_000,
    });
  });

  it('reports every bad value', () => {
    assert.deepEqual(
      problemsOf({
        VIGIL_METRICS_RETENTION: '1h',
        VIGIL_METRICS_MAX_SAMPLES_PER_SECOND: '-5',
        VIGIL_METRICS_MAX_ACTIVE_SERIES: '1e6',
        VIGIL_METRICS_QUERY_TIMEOUT: 'soon',
        VIGIL_METRICS_QUERY_MAX_SAMPLES: '0',
        VIGIL_SELF_MONITORING: 'a/b/c',
      }),
      [
        'VIGIL_SELF_MONITORING: "a/b/c" must be <instance> or <instance>/<team>',
        'VIGIL_METRICS_RETENTION: "1h" is not a duration of at least 7200s (e.g. 15d, 12h, 90s)',
        'VIGIL_METRICS_MAX_SAMPLES_PER_SECOND: "-5" is not a positive whole number',
        'VIGIL_METRICS_MAX_ACTIVE_SERIES: "1e6" is not a positive whole number',
        'VIGIL_METRICS_QUERY_TIMEOUT: "soon" is not a duration of at least 1s (e.g. 15d, 12h, 90s)',
        'VIGIL_METRICS_QUERY_MAX_SAMPLES: "0" is not a positive whole number',
      ],
    );
  });
});
