import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FUNCTIONS } from '../../functions.js';
import { FUNCTION_TABLE, IMPLEMENTED_NAMES, isTimeDependent, type FunctionEntry } from './table.js';

describe('the function table', () => {
  it("implements exactly the parser's functions, each with its signature", () => {
    assert.deepEqual([...IMPLEMENTED_NAMES].sort(), [...FUNCTIONS.keys()].sort());
    for (const [name, entry] of FUNCTION_TABLE) {
      const typed: FunctionEntry = entry;
      assert.equal(typed.def, FUNCTIONS.get(name));
      assert.equal(typeof typed.evaluate, 'function');
    }
  });

  it("marks Prometheus's AtModifierUnsafeFunctions as time-dependent, and nothing else", () => {
    const timeDependent = [...FUNCTION_TABLE.keys()].filter(isTimeDependent).sort();
    assert.deepEqual(timeDependent, [
      'day_of_month',
      'day_of_week',
      'day_of_year',
      'days_in_month',
      'end',
      'hour',
      'minute',
      'month',
      'predict_linear',
      'range',
      'start',
      'step',
      'time',
      'timestamp',
      'year',
    ]);
  });
});
