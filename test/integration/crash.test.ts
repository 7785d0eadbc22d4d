/**
 * A process that keeps crashing: the fixture's `crash` type exits with code 3 at once. With the
 * backoff scaled down (FORMATION_TEST_TIME_SCALE, read with the config on `procfile.refresh`) it goes
 * crashed → restarting → … → crashed, gave up after 5 restarts in a row.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ProcfileInstanceSnapshot } from '../../src/api';
import { sleep, useFormation, waitFor } from './helpers';

describe('Crash', function () {
  this.timeout(40_000);
  const context = useFormation();
  let previousScale: string | undefined;

  before(async () => {
    previousScale = process.env.FORMATION_TEST_TIME_SCALE;
    process.env.FORMATION_TEST_TIME_SCALE = '0.01';
    await vscode.commands.executeCommand('procfile.refresh');
  });

  after(async () => {
    if (previousScale === undefined) delete process.env.FORMATION_TEST_TIME_SCALE;
    else process.env.FORMATION_TEST_TIME_SCALE = previousScale;
    await vscode.commands.executeCommand('procfile.refresh');
  });

  it('crash → restarting → gave up after 5 restarts (exit code 3)', async () => {
    const { api, base } = context;
    await vscode.commands.executeCommand('procfile.scale', { process: 'crash', count: 1 });
    try {
      const added = await waitFor(api, 'crash.1 (stopped)', (s) => s.some((i) => i.name === 'crash.1'));
      const crash = added.find((i) => i.name === 'crash.1')!;
      assert.equal(crash.state, 'stopped', 'scaling a stopped formation starts nothing');
      assert.equal(crash.port, base + 200);

      // Record every state the API shows, on each change event and by polling.
      const seen: ProcfileInstanceSnapshot[] = [];
      const record = () => {
        const now = api.getSnapshot().find((i) => i.name === 'crash.1');
        if (now && (seen.length === 0 || seen[seen.length - 1].state !== now.state || seen[seen.length - 1].restarts !== now.restarts)) seen.push(now);
      };
      const subscription = api.onDidChange(record);
      const poll = setInterval(record, 2);
      try {
        await vscode.commands.executeCommand('procfile.start', { process: 'crash.1' });
        await waitFor(api, 'crash.1 to give up', (s) => s.some((i) => i.name === 'crash.1' && i.gaveUp), 15_000);
      } finally {
        clearInterval(poll);
        subscription.dispose();
      }
      record();
      const states = seen.map((s) => `${s.state}/${s.restarts}`).join(' → ');
      assert.ok(seen.some((s) => s.state === 'restarting'), `restarting was shown: ${states}`);
      const last = api.getSnapshot().find((i) => i.name === 'crash.1')!;
      assert.equal(last.state, 'crashed', states);
      assert.equal(last.gaveUp, true);
      assert.equal(last.restarts, 5);
      assert.equal(last.exitCode, 3);
      assert.equal(last.signal, null);
      assert.equal(last.pid, null);
      // Gave up means no further restart.
      await sleep(500);
      const later = api.getSnapshot().find((i) => i.name === 'crash.1')!;
      assert.deepEqual([later.state, later.restarts, later.gaveUp], ['crashed', 5, true]);
      // A start the user asks for clears gaveUp and the restart count.
      await vscode.commands.executeCommand('procfile.start', { process: 'crash.1' });
      await waitFor(api, 'crash.1 to restart from a user start', (s) => s.some((i) => i.name === 'crash.1' && !i.gaveUp && i.restarts < 5));
      await vscode.commands.executeCommand('procfile.stop', { process: 'crash.1' });
      await waitFor(api, 'crash.1 stopped', (s) => s.some((i) => i.name === 'crash.1' && i.state === 'stopped'));
    } finally {
      await vscode.commands.executeCommand('procfile.scale', { process: 'crash', count: 0 });
    }
    await waitFor(api, 'no crash instance', (s) => !s.some((i) => i.type === 'crash'));
  });
});
