import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Engine, type QueryResult } from '../../promql/index.js';
import { labelsFrom } from '../../promql/engine/core/labels.js';
import { floatHistogram } from '../../promql/engine/histograms/native/float-histogram.js';
import { MemoryStorage } from '../../promql/testing/memory-storage.js';
import {
  labelsJson,
  metadataBody,
  queryResultBody,
  RESULTS_TRUNCATED,
  seriesBody,
  successBody,
  truncateResult,
} from './result-json.js';

const T0 = 1_700_000_000_000;

const HISTOGRAM = floatHistogram({
  schema: 0,
  zeroThreshold: 0.001,
  zeroCount: 2,
  count: 9,
  sum: 20.5,
  negativeSpans: [{ offset: 0, length: 1 }],
  negativeBuckets: [3],
  positiveSpans: [
    { offset: 0, length: 2 },
    { offset: 1, length: 1 },
  ],
  positiveBuckets: [1, 2, 1],
});
const HISTOGRAM_JSON =
  '{"count":"9","sum":"20.5","buckets":[[1,"-1","-0.5","3"],[3,"-0.001","0.001","2"],[0,"0.5","1","1"],[0,"1","2","2"],[0,"4","8","1"]]}';

function engine(): Engine {
  const storage = new MemoryStorage();
  const nh = labelsFrom({ __name__: 'nh', job: 'a' });
  storage.appendHistogram(nh, T0, HISTOGRAM);
  storage.appendHistogram(nh, T0 + 15_000, HISTOGRAM);
  storage.append(labelsFrom({ __name__: 'foo', job: 'a' }), T0, 1);
  storage.append(labelsFrom({ __name__: 'foo', job: 'a' }), T0 + 60_000, 5);
  return new Engine(storage);
}

function result(value: QueryResult['value'], warnings: string[] = [], infos: string[] = []): QueryResult {
  return { value, warnings, infos };
}

// Expected bodies are Prometheus's answers to the same queries (captured from Prometheus 2.42, whose result
// encoding is that of 3.x), byte for byte.
describe('queryResultBody from the engine', () => {
  it('writes a vector: sample timestamps with milliseconds, values in Go form', async () => {
    const body = queryResultBody(await engine().instantQuery('vector(1e-7)', 1500));
    assert.equal(
      body,
      '{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1.500,"1e-07"]}]}}',
    );
  });

  it('writes labels with HTML-safe escaping', async () => {
    const body = queryResultBody(
      await engine().instantQuery('label_replace(vector(0.1), "a", "<b&c>", "", "")', 1435781451781),
    );
    assert.equal(
      body,
      '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"\\u003cb\\u0026c\\u003e"},"value":[1435781451.781,"0.1"]}]}}',
    );
  });

  it('writes an empty vector as []', async () => {
    const body = queryResultBody(await engine().instantQuery('vector(1) > 2', 0));
    assert.equal(body, '{"status":"success","data":{"resultType":"vector","result":[]}}');
  });

  it('writes a matrix sorted by labels, each series with its points', async () => {
    const query =
      'label_replace(vector(time()) > 60, "job", "b", "", "") or label_replace(vector(2), "job", "a", "", "")';
    const body = queryResultBody(await engine().rangeQuery(query, 0, 120_000, 60_000));
    assert.equal(
      body,
      '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"job":"a"},"values":[[0,"2"],[60,"2"],[120,"2"]]},{"metric":{"job":"b"},"values":[[120,"120"]]}]}}',
    );
    const scalar = queryResultBody(await engine().rangeQuery('time() > bool 60', 0, 120_000, 60_000));
    assert.equal(
      scalar,
      '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[0,"0"],[60,"0"],[120,"1"]]}]}}',
    );
  });

  it('writes a scalar with a float timestamp and its value in plain decimal', async () => {
    assert.equal(
      queryResultBody(await engine().instantQuery('1e-7', 1500)),
      '{"status":"success","data":{"resultType":"scalar","result":[1.5,"0.0000001"]}}',
    );
    assert.equal(
      queryResultBody(await engine().instantQuery('-0', 0)),
      '{"status":"success","data":{"resultType":"scalar","result":[0,"-0"]}}',
    );
    assert.equal(
      queryResultBody(await engine().instantQuery('1e21', 1435781451781)),
      '{"status":"success","data":{"resultType":"scalar","result":[1435781451.781,"1000000000000000000000"]}}',
    );
  });

  it('writes a string escaped', async () => {
    assert.equal(
      queryResultBody(await engine().instantQuery('"a<b>&"', -1)),
      '{"status":"success","data":{"resultType":"string","result":[-0.001,"a\\u003cb\\u003e\\u0026"]}}',
    );
  });

  it('writes native histograms in vectors and in matrices', async () => {
    assert.equal(
      queryResultBody(await engine().instantQuery('nh', T0 + 500)),
      `{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"nh","job":"a"},"histogram":[1700000000.500,${HISTOGRAM_JSON}]}]}}`,
    );
    assert.equal(
      queryResultBody(await engine().instantQuery('nh[20s]', T0 + 16_000)),
      `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"nh","job":"a"},"histograms":[[1700000000,${HISTOGRAM_JSON}],[1700000015,${HISTOGRAM_JSON}]]}]}}`,
    );
  });

  it('adds the annotations of the query', async () => {
    const body = queryResultBody(await engine().instantQuery('rate(foo[5m])', T0 + 60_000));
    assert.equal(
      body,
      '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"job":"a"},"value":[1700000060,"0.016666666666666666"]}]},"infos":["PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \\"foo\\" (1:6)"]}',
    );
  });
});

describe('queryResultBody', () => {
  it('writes a series with floats and histograms, values first', () => {
    const value: QueryResult['value'] = {
      resultType: 'matrix',
      result: [
        {
          labels: labelsFrom({ __name__: 'mixed' }),
          timestamps: [1000, 2500],
          values: [NaN, -Infinity],
          histograms: [{ t: 4001, h: HISTOGRAM }],
        },
        {
          labels: labelsFrom({ __name__: 'only_histograms' }),
          timestamps: [],
          values: [],
          histograms: [{ t: 0, h: HISTOGRAM }],
        },
        { labels: [], timestamps: [], values: [], histograms: [] },
      ],
    };
    assert.equal(
      queryResultBody(result(value)),
      `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"mixed"},"values":[[1,"NaN"],[2.500,"-Inf"]],"histograms":[[4.001,${HISTOGRAM_JSON}]]},{"metric":{"__name__":"only_histograms"},"histograms":[[0,${HISTOGRAM_JSON}]]},{"metric":{}}]}}`,
    );
  });

  it('includes warnings and infos only when there are some, each once', () => {
    const value: QueryResult['value'] = { resultType: 'scalar', result: { t: 0, v: 1 } };
    assert.equal(
      queryResultBody(result(value)),
      '{"status":"success","data":{"resultType":"scalar","result":[0,"1"]}}',
    );
    assert.equal(
      queryResultBody(result(value, ['w <1>', 'w <1>'], ['i'])),
      '{"status":"success","data":{"resultType":"scalar","result":[0,"1"]},"warnings":["w \\u003c1\\u003e"],"infos":["i"]}',
    );
    assert.equal(
      queryResultBody(result(value, [], ['i'])),
      '{"status":"success","data":{"resultType":"scalar","result":[0,"1"]},"infos":["i"]}',
    );
  });

  it('keeps ten warnings and ten infos, and says how many it left out', () => {
    const value: QueryResult['value'] = { resultType: 'vector', result: [] };
    const warnings = Array.from({ length: 12 }, (_, i) => `w${i}`);
    const infos = Array.from({ length: 11 }, (_, i) => `i${i}`);
    const body = JSON.parse(queryResultBody(result(value, warnings, infos))) as { warnings: string[]; infos: string[] };
    assert.deepEqual(body.warnings, [...warnings.slice(0, 10), '2 more warning annotations omitted']);
    assert.deepEqual(body.infos, [...infos.slice(0, 10), '1 more info annotations omitted']);
  });
});

describe('truncateResult', () => {
  const vector: QueryResult['value'] = {
    resultType: 'vector',
    result: [
      { labels: labelsFrom({ a: '1' }), t: 0, v: 1 },
      { labels: labelsFrom({ a: '2' }), t: 0, v: 2 },
    ],
  };

  it('cuts a vector or matrix to its first series and warns', () => {
    const cut = truncateResult(result(vector, ['w']), 1);
    assert.deepEqual(cut.value, { resultType: 'vector', result: [vector.result[0]] });
    assert.deepEqual(cut.warnings, ['w', RESULTS_TRUNCATED]);
    assert.equal(
      queryResultBody(cut),
      '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"1"},"value":[0,"1"]}]},"warnings":["w","results truncated due to limit"]}',
    );
    const matrix: QueryResult['value'] = {
      resultType: 'matrix',
      result: [
        { labels: labelsFrom({ a: '1' }), timestamps: [0], values: [1] },
        { labels: labelsFrom({ a: '2' }), timestamps: [0], values: [2] },
      ],
    };
    const cutMatrix = truncateResult(result(matrix), 1);
    assert.deepEqual(cutMatrix.value, { resultType: 'matrix', result: [matrix.result[0]] });
    assert.deepEqual(cutMatrix.warnings, [RESULTS_TRUNCATED]);
  });

  it('leaves a result alone with no limit, a limit it fits, or no series', () => {
    const whole = result(vector);
    assert.equal(truncateResult(whole, 0), whole);
    assert.equal(truncateResult(whole, 2), whole);
    const scalar = result({ resultType: 'scalar', result: { t: 0, v: 1 } });
    assert.equal(truncateResult(scalar, 1), scalar);
  });
});

describe('bodies of the other endpoints', () => {
  it('writes a list of names or values', () => {
    assert.equal(successBody(['__name__', 'job']), '{"status":"success","data":["__name__","job"]}');
    assert.equal(successBody([]), '{"status":"success","data":[]}');
    assert.equal(
      successBody(['a'], [RESULTS_TRUNCATED]),
      '{"status":"success","data":["a"],"warnings":["results truncated due to limit"]}',
    );
  });

  it('writes series as label sets in label order, whatever their names', () => {
    const series = [labelsFrom({ __name__: 'up', job: 'api', '10': 'x' }), labelsFrom({})];
    assert.equal(labelsJson(series[0] ?? []), '{"10":"x","__name__":"up","job":"api"}');
    assert.equal(seriesBody(series), '{"status":"success","data":[{"10":"x","__name__":"up","job":"api"},{}]}');
    assert.equal(seriesBody([], ['w']), '{"status":"success","data":[],"warnings":["w"]}');
  });

  it('writes metadata with metric names sorted as Go sorts map keys', () => {
    const metadata = new Map([
      ['up', [{ type: 'gauge', help: 'Up <1>', unit: '' }]],
      [
        'http_requests_total',
        [
          { type: 'counter', help: 'Requests.', unit: 'requests' },
          { type: 'counter', help: 'Other.', unit: '' },
        ],
      ],
    ]);
    assert.equal(
      metadataBody(metadata),
      '{"status":"success","data":{"http_requests_total":[{"type":"counter","help":"Requests.","unit":"requests"},{"type":"counter","help":"Other.","unit":""}],"up":[{"type":"gauge","help":"Up \\u003c1\\u003e","unit":""}]}}',
    );
    assert.equal(metadataBody(new Map()), '{"status":"success","data":{}}');
  });
});
