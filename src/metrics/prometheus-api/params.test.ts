import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorBody, PrometheusApiError } from './errors.js';
import { MAX_TIME_MS, MIN_TIME_MS } from './go-time.js';
import {
  formValue,
  formValues,
  parseDuration,
  parseLabelNameParam,
  parseLimit,
  parseLookbackDelta,
  parseMatchers,
  parseMetadataLimit,
  parseRangeParams,
  parseTime,
} from './params.js';

/** The status and body an API call answers with when `run` throws. */
function failure(run: () => unknown): { status: number; body: string } {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof PrometheusApiError, String(error));
    return { status: error.status, body: errorBody(error) };
  }
  return assert.fail('no error');
}

function badData(error: string): { status: number; body: string } {
  return { status: 400, body: `{"status":"error","errorType":"bad_data","error":${JSON.stringify(error)}}` };
}

describe('formValue / formValues', () => {
  it('take the first of repeated values, or all of them', () => {
    const form = { a: ['1', '2'], b: 'x', c: undefined };
    assert.equal(formValue(form, 'a'), '1');
    assert.equal(formValue(form, 'b'), 'x');
    assert.equal(formValue(form, 'c'), undefined);
    assert.deepEqual(formValues(form, 'a'), ['1', '2']);
    assert.deepEqual(formValues(form, 'b'), ['x']);
    assert.deepEqual(formValues(form, 'zzz'), []);
  });
});

describe('parseTime', () => {
  // Values as Prometheus read them for /api/v1/query?time=… (the scalar result carries the time it used).
  const cases: [string, number][] = [
    ['1.5', 1500],
    ['0', 0],
    ['-1.5', -1500],
    ['1435781451.781', 1435781451781],
    ['1435781451.7815', 1435781451782],
    ['0.0015', 2],
    ['0.0000001', 0],
    ['-0.0005', -1],
    ['1_000', 1000000],
    ['+1.5e3', 1500000],
    ['.5', 500],
    ['017', 17000],
    ['0x1p4', 16000],
    ['2015-07-01T20:10:51.781Z', 1435781451781],
    ['2015-07-01T20:10:51,781+02:00', 1435774251781],
    ['-292273086-05-16T16:47:06Z', MIN_TIME_MS],
    ['292277025-08-18T07:12:54.999999999Z', MAX_TIME_MS],
  ];
  for (const [text, ms] of cases) {
    it(`reads ${text}`, () => assert.equal(parseTime(text, 'time', 7), ms));
  }

  it('falls back when the parameter is absent or empty', () => {
    assert.equal(parseTime(undefined, 'time', 7), 7);
    assert.equal(parseTime('', 'time', 7), 7);
  });

  const refuse = (text: string): void => {
    assert.deepEqual(
      failure(() => parseTime(text, 'time', 0)),
      badData(
        `invalid parameter "time": invalid time value for 'time': cannot parse ${JSON.stringify(text)} to a valid timestamp`,
      ),
    );
  };
  for (const text of ['abc', '2015-07-01T20:10:51', '2015-07-01t20:10:51Z', '0x10', '1e400', '1__0', ' 1']) {
    it(`refuses ${JSON.stringify(text)} as Prometheus 3 words it`, () => refuse(text));
  }

  // Prometheus reads these as floats and answers at a meaningless time (int64 overflow); vigil refuses them.
  for (const text of ['NaN', 'Inf', '-infinity', '1e20']) {
    it(`refuses ${JSON.stringify(text)}, which Prometheus turns into a meaningless time`, () => refuse(text));
  }

  it('names the parameter it reads', () => {
    assert.deepEqual(
      failure(() => parseTime('x', 'start', 0)),
      badData(`invalid parameter "start": invalid time value for 'start': cannot parse "x" to a valid timestamp`),
    );
  });
});

describe('parseDuration', () => {
  const cases: [string, number][] = [
    ['15', 15000],
    ['0.5', 500],
    ['1h30m', 5_400_000],
    ['5m', 300_000],
    ['0', 0],
    ['-1', -1000],
    ['0.0001', 0.1],
  ];
  for (const [text, ms] of cases) {
    it(`reads ${text}`, () => assert.equal(parseDuration(text, 'timeout'), ms));
  }

  it('reads NaN as Go does on amd64, as the lowest duration', () => {
    assert.equal(parseDuration('NaN', 'timeout'), -(2 ** 63) / 1e6);
  });

  it('refuses what is neither', () => {
    assert.deepEqual(
      failure(() => parseDuration('xx', 'timeout')),
      badData('invalid parameter "timeout": cannot parse "xx" to a valid duration'),
    );
    assert.deepEqual(
      failure(() => parseDuration('1m1h', 'timeout')),
      badData('invalid parameter "timeout": cannot parse "1m1h" to a valid duration'),
    );
  });

  it('refuses a number of seconds beyond int64 nanoseconds', () => {
    assert.deepEqual(
      failure(() => parseDuration('1e30', 'timeout')),
      badData('invalid parameter "timeout": cannot parse "1e30" to a valid duration. It overflows int64'),
    );
    assert.deepEqual(
      failure(() => parseDuration('-Inf', 'step')),
      badData('invalid parameter "step": cannot parse "-Inf" to a valid duration. It overflows int64'),
    );
  });
});

describe('parseLookbackDelta', () => {
  it('reads a duration, or nothing', () => {
    assert.equal(parseLookbackDelta('1m'), 60_000);
    assert.equal(parseLookbackDelta('30'), 30_000);
    assert.equal(parseLookbackDelta(undefined), undefined);
    assert.equal(parseLookbackDelta(''), undefined);
  });

  it('words its error without a parameter name', () => {
    assert.deepEqual(
      failure(() => parseLookbackDelta('xx')),
      badData('error parsing lookback delta duration: cannot parse "xx" to a valid duration'),
    );
  });
});

describe('parseRangeParams', () => {
  const form = (start?: string, end?: string, step?: string): Record<string, string | undefined> => ({
    start,
    end,
    step,
  });

  it('reads start, end and step', () => {
    assert.deepEqual(parseRangeParams(form('0', '120', '60')), { start: 0, end: 120_000, step: 60_000 });
    assert.deepEqual(parseRangeParams(form('2015-07-01T20:10:51Z', '2015-07-01T21:10:51Z', '1h30m')), {
      start: 1435781451000,
      end: 1435785051000,
      step: 5_400_000,
    });
    assert.deepEqual(parseRangeParams(form('1', '1', '1.5')), { start: 1000, end: 1000, step: 1500 });
  });

  it('allows exactly 11,000 points per series, counting in nanoseconds', () => {
    assert.deepEqual(parseRangeParams(form('0', '11000', '1')), { start: 0, end: 11_000_000, step: 1000 });
    assert.deepEqual(parseRangeParams(form('0', '11000.999', '1')), { start: 0, end: 11_000_999, step: 1000 });
  });

  it('measures the span as Go does, saturated at the longest int64 duration (292 years)', () => {
    const whole = parseRangeParams(form('-292273086-05-16T16:47:06Z', '292277025-08-18T07:12:54.999999999Z', '1y'));
    assert.deepEqual(whole, { start: MIN_TIME_MS, end: MAX_TIME_MS, step: 365 * 86_400_000 });
  });

  it('steps by whole milliseconds, as the engine does, and at least one', () => {
    assert.equal(parseRangeParams(form('0', '1', '0.0015')).step, 1);
    assert.equal(parseRangeParams(form('0', '0.005', '0.0005')).step, 1);
  });

  // Bodies as Prometheus answers /api/v1/query_range with these parameters.
  const errors: [Record<string, string | undefined>, string][] = [
    [form('abc', '2', '1'), 'invalid parameter "start": cannot parse "abc" to a valid timestamp'],
    [form(undefined, '2', '1'), 'invalid parameter "start": cannot parse "" to a valid timestamp'],
    [form('0', undefined, '1'), 'invalid parameter "end": cannot parse "" to a valid timestamp'],
    [form('0', 'x', '1'), 'invalid parameter "end": cannot parse "x" to a valid timestamp'],
    [form('3', '2', '1'), 'invalid parameter "end": end timestamp must not be before start time'],
    [form('0', '2', undefined), 'invalid parameter "step": cannot parse "" to a valid duration'],
    [form('0', '2', 'abc'), 'invalid parameter "step": cannot parse "abc" to a valid duration'],
    [form('0', '2', '1e30'), 'invalid parameter "step": cannot parse "1e30" to a valid duration. It overflows int64'],
    [
      form('0', '2', '0'),
      'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
    ],
    [
      form('0', '2', '-1'),
      'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
    ],
    [
      form('0', '2', 'NaN'),
      'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
    ],
    [
      form('0', '11001', '1'),
      'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
    ],
    [
      form('0', '2', '0.0001'),
      'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
    ],
    [
      form('-292273086-05-16T16:47:06Z', '292277025-08-18T07:12:54.999999999Z', '1d'),
      'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
    ],
  ];
  for (const [params, error] of errors) {
    it(`refuses ${JSON.stringify(params)}`, () =>
      assert.deepEqual(
        failure(() => parseRangeParams(params)),
        badData(error),
      ));
  }

  it('checks in order: start before end, end before step', () => {
    assert.deepEqual(
      failure(() => parseRangeParams(form('x', 'y', 'z'))),
      badData('invalid parameter "start": cannot parse "x" to a valid timestamp'),
    );
    assert.deepEqual(
      failure(() => parseRangeParams(form('5', '1', 'z'))),
      badData('invalid parameter "end": end timestamp must not be before start time'),
    );
  });
});

describe('parseLimit', () => {
  it('reads 0 (none) when absent, else a non-negative integer', () => {
    assert.equal(parseLimit(undefined), 0);
    assert.equal(parseLimit(''), 0);
    assert.equal(parseLimit('0'), 0);
    assert.equal(parseLimit('25'), 25);
    assert.equal(parseLimit('+3'), 3);
  });

  it("refuses the rest with Go's words", () => {
    assert.deepEqual(
      failure(() => parseLimit('x')),
      badData('invalid parameter "limit": strconv.Atoi: parsing "x": invalid syntax'),
    );
    assert.deepEqual(
      failure(() => parseLimit('1.5')),
      badData('invalid parameter "limit": strconv.Atoi: parsing "1.5": invalid syntax'),
    );
    assert.deepEqual(
      failure(() => parseLimit('99999999999999999999')),
      badData('invalid parameter "limit": strconv.Atoi: parsing "99999999999999999999": value out of range'),
    );
    assert.deepEqual(
      failure(() => parseLimit('-1')),
      badData('invalid parameter "limit": limit must be non-negative'),
    );
  });
});

describe('parseMetadataLimit', () => {
  it('reads any integer, -1 (none) when absent', () => {
    assert.equal(parseMetadataLimit(undefined, 'limit'), -1);
    assert.equal(parseMetadataLimit('5', 'limit'), 5);
    assert.equal(parseMetadataLimit('-1', 'limit_per_metric'), -1);
  });

  it('names the parameter alone in its error', () => {
    assert.deepEqual(
      failure(() => parseMetadataLimit('x', 'limit')),
      badData('limit must be a number'),
    );
    assert.deepEqual(
      failure(() => parseMetadataLimit('1.5', 'limit_per_metric')),
      badData('limit_per_metric must be a number'),
    );
  });
});

describe('parseMatchers', () => {
  it('reads each selector into its matchers', () => {
    assert.deepEqual(parseMatchers(['up', '{job=~"a|b"}'], 'series'), [
      [{ type: '=', name: '__name__', value: 'up' }],
      [{ type: '=~', name: 'job', value: 'a|b' }],
    ]);
    assert.deepEqual(parseMatchers([], 'labels'), []);
  });

  it('accepts a selector with one matcher that does not match the empty string', () => {
    assert.equal(parseMatchers(['{a="", b!=""}'], 'labels').length, 1);
    assert.equal(parseMatchers(['{a=~".+"}'], 'labels').length, 1);
    assert.equal(parseMatchers(['{a!~".*"}'], 'labels').length, 1);
  });

  it('for /series: wraps errors as a match[] parameter error and requires a selector', () => {
    assert.deepEqual(
      failure(() => parseMatchers([], 'series')),
      badData('no match[] parameter provided'),
    );
    assert.deepEqual(
      failure(() => parseMatchers(['up', 'up[5m]'], 'series')),
      badData('invalid parameter "match[]": 1:3: parse error: unexpected "["'),
    );
    for (const selector of ['{}', '{a=""}', '{a=~".*"}', '{a!~".+"}', '{a!="x"}']) {
      assert.deepEqual(
        failure(() => parseMatchers([selector], 'series')),
        badData('invalid parameter "match[]": match[] must contain at least one non-empty matcher'),
        selector,
      );
    }
  });

  it('for /labels and /label/…/values: answers with the bare message', () => {
    assert.deepEqual(
      failure(() => parseMatchers(['up[5m]'], 'labels')),
      badData('1:3: parse error: unexpected "["'),
    );
    assert.deepEqual(
      failure(() => parseMatchers(['1'], 'labels')),
      badData('1:1: parse error: unexpected number "1"'),
    );
    assert.deepEqual(
      failure(() => parseMatchers(['{}'], 'labels')),
      badData('match[] must contain at least one non-empty matcher'),
    );
  });
});

describe('parseLabelNameParam', () => {
  it('takes any UTF-8 name, as Prometheus 3 does', () => {
    assert.equal(parseLabelNameParam('job'), 'job');
    assert.equal(parseLabelNameParam('a-b'), 'a-b');
    assert.equal(parseLabelNameParam('http.method'), 'http.method');
  });

  it('unescapes U__ names', () => {
    assert.equal(parseLabelNameParam('U__a_2e_b'), 'a.b');
    assert.equal(parseLabelNameParam('U__http_2e_method'), 'http.method');
    assert.equal(parseLabelNameParam('U__a__b'), 'a_b');
    assert.equal(parseLabelNameParam('U___1f600_'), '😀');
    assert.equal(parseLabelNameParam('U__caf_E9_'), 'café');
  });

  it('keeps an invalid encoding as it is', () => {
    for (const name of ['U__a_', 'U__a_2e', 'U__a_zz_', 'U__a_110000_', 'U__a_d800_', 'U__a_10ffff_']) {
      assert.equal(parseLabelNameParam(name), name);
    }
  });

  it('refuses an empty name', () => {
    assert.deepEqual(
      failure(() => parseLabelNameParam('')),
      badData('invalid label name: ""'),
    );
    assert.deepEqual(
      failure(() => parseLabelNameParam('U__')),
      badData('invalid label name: ""'),
    );
  });
});
