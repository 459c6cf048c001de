import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pauser } from './pause.js';

describe('pauser', () => {
  it('lets queued callbacks run once the budget is spent', async () => {
    const pause = pauser(0);
    let ran = false;
    setImmediate(() => (ran = true));
    await pause();
    assert.equal(ran, true);
  });

  it('does not yield to the event loop within the budget', async () => {
    const pause = pauser(60_000);
    let ran = false;
    const timer = setImmediate(() => (ran = true));
    for (let i = 0; i < 100; i++) await pause();
    assert.equal(ran, false);
    clearImmediate(timer);
  });
});
