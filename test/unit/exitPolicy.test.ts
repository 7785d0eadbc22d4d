import assert from 'node:assert/strict';
import { decideAfterExit, describeExit, statusNumber } from '../../src/core/exitPolicy';

const crash = { code: 3, signal: undefined };
const ok = { code: 0, signal: undefined };

describe('exit policy', () => {
  it('completes on exit 0 with on-failure, restarts it with always', () => {
    assert.deepEqual(decideAfterExit(ok, 'on-failure', 0, 100), { action: 'complete', streak: 0 });
    assert.equal(decideAfterExit(ok, 'always', 0, 100).action, 'restart');
  });

  it('always restarts clean exits without limit, backing off up to 30 s', () => {
    assert.deepEqual(decideAfterExit(ok, 'always', 12, 100), { action: 'restart', delayMs: 30_000, streak: 13 });
    assert.equal(decideAfterExit(crash, 'always', 5, 100).action, 'give-up', 'crashes still give up');
  });

  it('backs off 1, 2, 4, 8, 16 s, then gives up after 5 restarts in a row', () => {
    const delays: number[] = [];
    let streak = 0;
    for (;;) {
      const decision = decideAfterExit(crash, 'on-failure', streak, 100);
      if (decision.action !== 'restart') {
        assert.deepEqual(decision, { action: 'give-up', reason: 'too-many-restarts', streak: 5 });
        break;
      }
      delays.push(decision.delayMs);
      streak = decision.streak;
    }
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000]);
  });

  it('resets the count after 60 s of running', () => {
    assert.deepEqual(decideAfterExit(crash, 'on-failure', 4, 60_000), { action: 'restart', delayMs: 1000, streak: 1 });
  });

  it('gives up at once on 126/127 (the command cannot run) and with never', () => {
    assert.equal(decideAfterExit({ code: 127, signal: undefined }, 'on-failure', 0, 10).action, 'give-up');
    assert.equal(decideAfterExit({ code: 126, signal: undefined }, 'always', 0, 10).action, 'give-up');
    assert.deepEqual(decideAfterExit(crash, 'never', 0, 10), { action: 'give-up', reason: 'policy', streak: 0 });
  });

  it('treats a signal as a crash', () => {
    assert.equal(decideAfterExit({ code: undefined, signal: 'SIGSEGV' }, 'on-failure', 0, 10).action, 'restart');
  });

  it('describes exits without ever saying null, and numbers them like a shell', () => {
    assert.equal(describeExit(crash), 'exited with code 3');
    assert.equal(describeExit({ code: undefined, signal: 'SIGTERM' }), 'terminated by SIGTERM');
    assert.equal(describeExit({ code: 139, signal: undefined }), 'exited with code 139 (SIGSEGV)');
    assert.equal(describeExit({ code: 127, signal: undefined }), 'exited with code 127 (command not found)');
    assert.equal(statusNumber({ code: undefined, signal: 'SIGSEGV' }), 139);
    assert.equal(statusNumber(crash), 3);
  });
});
