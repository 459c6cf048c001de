import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { floatHistogram } from '../../promql/engine/histograms/native/float-histogram.js';
import { histogramJson } from './histogram-json.js';

describe('histogramJson', () => {
  it('writes negative buckets, the zero bucket and positive buckets with their boundary rules', () => {
    // Prometheus answered this histogram (pushed by remote write) with exactly this object.
    const h = floatHistogram({
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
    assert.equal(
      histogramJson(h),
      '{"count":"9","sum":"20.5","buckets":[[1,"-1","-0.5","3"],[3,"-0.001","0.001","2"],[0,"0.5","1","1"],[0,"1","2","2"],[0,"4","8","1"]]}',
    );
  });

  it('writes custom buckets: the first closed at -Inf, the last open up to +Inf', () => {
    const h = floatHistogram({
      schema: -53,
      count: 6,
      sum: 7,
      customValues: [1, 2, 5],
      positiveSpans: [
        { offset: 0, length: 2 },
        { offset: 1, length: 1 },
      ],
      positiveBuckets: [1, 2, 3],
    });
    assert.equal(
      histogramJson(h),
      '{"count":"6","sum":"7","buckets":[[3,"-Inf","1","1"],[0,"1","2","2"],[0,"5","+Inf","3"]]}',
    );
  });

  it('leaves out empty buckets, an empty zero bucket, and buckets when none remains', () => {
    const h = floatHistogram({
      schema: 0,
      zeroThreshold: 0.001,
      zeroCount: 0,
      count: 1,
      sum: -0,
      positiveSpans: [{ offset: 0, length: 3 }],
      positiveBuckets: [0, 1, -0],
    });
    assert.equal(histogramJson(h), '{"count":"1","sum":"-0","buckets":[[0,"1","2","1"]]}');
    assert.equal(histogramJson(floatHistogram({ schema: 3 })), '{"count":"0","sum":"0"}');
  });

  it('cuts a bucket that reaches into the zero bucket at the threshold', () => {
    const h = floatHistogram({
      schema: 0,
      zeroThreshold: 0.6,
      zeroCount: 1,
      count: 3,
      sum: NaN,
      negativeSpans: [{ offset: 0, length: 1 }],
      negativeBuckets: [1],
      positiveSpans: [{ offset: 0, length: 1 }],
      positiveBuckets: [1],
    });
    assert.equal(
      histogramJson(h),
      '{"count":"3","sum":"NaN","buckets":[[1,"-1","-0.6","1"],[3,"-0.6","0.6","1"],[0,"0.6","1","1"]]}',
    );
  });

  it('writes counts and bounds as sample values are written', () => {
    const h = floatHistogram({
      schema: 0,
      count: 1e-7,
      sum: Infinity,
      positiveSpans: [{ offset: 80, length: 1 }],
      positiveBuckets: [1e21],
    });
    assert.equal(
      histogramJson(h),
      '{"count":"1e-07","sum":"+Inf","buckets":[[0,"6.044629098073146e+23","1.2089258196146292e+24","1e+21"]]}',
    );
  });

  // The expected text is Prometheus's own (web/api/v1 json_codec test); its schema 2 bounds come from Prometheus's
  // table of bounds, which the engine reproduces bit for bit.
  it("writes schema 2 bounds as Prometheus's json_codec test states them", () => {
    const h = floatHistogram({
      schema: 2,
      zeroThreshold: 0.001,
      zeroCount: 12,
      count: 10,
      sum: 20,
      positiveSpans: [
        { offset: 3, length: 2 },
        { offset: 1, length: 3 },
      ],
      positiveBuckets: [1, 2, 2, 1, 1],
      negativeSpans: [{ offset: 2, length: 2 }],
      negativeBuckets: [2, 1],
    });
    assert.equal(
      histogramJson(h),
      '{"count":"10","sum":"20","buckets":[[1,"-1.6817928305074288","-1.414213562373095","1"],[1,"-1.414213562373095","-1.189207115002721","2"],[3,"-0.001","0.001","12"],[0,"1.414213562373095","1.6817928305074288","1"],[0,"1.6817928305074288","2","2"],[0,"2.378414230005442","2.82842712474619","2"],[0,"2.82842712474619","3.3635856610148576","1"],[0,"3.3635856610148576","4","1"]]}',
    );
  });
});
