import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildInfo, PROMETHEUS_COMPATIBLE_VERSION } from './buildinfo.js';
import { successBody } from './result-json.js';

describe('buildInfo', () => {
  it("answers as Prometheus 3.5 with vigil's version as the revision", () => {
    assert.equal(PROMETHEUS_COMPATIBLE_VERSION, '3.5.0');
    assert.deepEqual(buildInfo('0.1.0'), {
      version: '3.5.0',
      revision: 'vigil-0.1.0',
      branch: 'vigil',
      buildUser: 'vigil',
      buildDate: '',
      goVersion: `node${process.versions.node}`,
    });
  });

  it('has the fields of Prometheus in its order, and a semver version', () => {
    const body = successBody(buildInfo('1.2.3'));
    assert.equal(
      body,
      `{"status":"success","data":{"version":"3.5.0","revision":"vigil-1.2.3","branch":"vigil","buildUser":"vigil","buildDate":"","goVersion":"node${process.versions.node}"}}`,
    );
    assert.match(buildInfo('x').version, /^\d+\.\d+\.\d+$/);
  });
});
