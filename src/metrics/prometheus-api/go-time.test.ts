import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_TIME_MS, MIN_TIME_MS, parsePrometheusDuration, parseRfc3339 } from './go-time.js';

describe('parseRfc3339', () => {
  const accepted: [string, number][] = [
    ['2015-07-01T20:10:51.781Z', 1435781451781],
    ['2015-07-01T20:10:51Z', 1435781451000],
    ['2015-07-01T20:10:51,781+02:00', 1435774251781],
    ['2015-07-01T20:10:51.7819999Z', 1435781451781],
    ['2015-07-01T20:10:51.1234567891Z', 1435781451123],
    ['2015-07-01T20:10:51-01:30', 1435781451000 + 90 * 60_000],
    ['2015-07-01T20:10:51+24:00', 1435695051000],
    ['2016-02-29T00:00:00Z', 1456704000000],
    ['1970-01-01T00:00:00Z', 0],
    ['1969-12-31T23:59:59.999Z', -1],
    ['0000-01-01T00:00:00Z', -62167219200000],
  ];
  for (const [text, ms] of accepted) {
    it(`reads ${text}`, () => assert.equal(parseRfc3339(text), ms));
  }

  const refused = [
    '2015-07-01T20:10:51',
    '2015-07-01t20:10:51Z',
    '2015-07-01T20:10:51z',
    '2015-02-30T20:10:51Z',
    '2015-02-29T00:00:00Z',
    '2015-13-01T00:00:00Z',
    '2015-07-01T24:00:00Z',
    '2015-07-01T20:60:00Z',
    '2015-07-01T20:10:60Z',
    '2015-07-01T20:10:51.Z',
    '2015-07-01T20:10:51+0200',
    '2015-07-01T20:10:51+25:00',
    '2015-07-01 20:10:51Z',
    '15-07-01T20:10:51Z',
    '',
  ];
  for (const text of refused) {
    it(`refuses ${JSON.stringify(text)}`, () => assert.equal(parseRfc3339(text), null));
  }

  it("holds Prometheus's MinTime and MaxTime as the nearest doubles", () => {
    assert.equal(MIN_TIME_MS, -9223309901257974000);
    assert.equal(MAX_TIME_MS, 9223309901257975000);
  });
});

describe('parsePrometheusDuration (ns)', () => {
  const accepted: [string, bigint][] = [
    ['0', 0n],
    ['1ms', 1_000_000n],
    ['90s', 90_000_000_000n],
    ['1h30m', 5_400_000_000_000n],
    ['1y2w3d4h5m6s7ms', ((((365n + 14n + 3n) * 24n + 4n) * 60n + 5n) * 60n + 6n) * 1_000_000_000n + 7_000_000n],
    ['292y', 292n * 365n * 24n * 3600n * 1_000_000_000n],
  ];
  for (const [text, ns] of accepted) {
    it(`reads ${text}`, () => assert.equal(parsePrometheusDuration(text), ns));
  }

  for (const text of [
    '',
    '5',
    '1m1h',
    '1s1s',
    '1x',
    'h',
    '-1s',
    '1.5s',
    '1h 30m',
    '300y',
    '1m0',
    '99999999999999999999s',
  ]) {
    it(`refuses ${JSON.stringify(text)}`, () => assert.equal(parsePrometheusDuration(text), null));
  }
});
