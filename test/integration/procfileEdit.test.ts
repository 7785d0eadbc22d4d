/**
 * Live files: editing the Procfile on disk updates the formation within seconds — a new type appears
 * (stopped), a removed type's running instances are stopped and gone. The file is restored after.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { instance, procfileUri, useFormation, waitFor, waitGone, waitRunning } from './helpers';

describe('Procfile edits', function () {
  this.timeout(40_000);
  const context = useFormation();
  let original: Uint8Array | undefined;

  before(async () => {
    original = await vscode.workspace.fs.readFile(procfileUri);
  });

  after(async function () {
    this.timeout(20_000);
    if (original) {
      await vscode.workspace.fs.writeFile(procfileUri, original);
      await waitFor(context.api, 'the original Procfile (web.1, worker.1)', (s) => s.map((i) => i.name).join() === 'web.1,worker.1');
    }
  });

  it('adds a new type and stops a removed one', async () => {
    const { api, base } = context;
    await vscode.commands.executeCommand('procfile.startAll');
    const [web, worker] = await waitRunning(api, ['web.1', 'worker.1']);
    await vscode.commands.executeCommand('procfile.processes.focus');

    const text = new TextDecoder().decode(original).replace(/^worker:.*\n/m, '').replace(/^crash:/m, 'clock: node worker.js\ncrash:');
    assert.match(text, /^clock: node worker\.js$/m);
    assert.doesNotMatch(text, /^worker:/m);
    await vscode.workspace.fs.writeFile(procfileUri, new TextEncoder().encode(text));
    // An edit in progress (auto-save while typing) does not stop a removed type at once.
    await waitFor(api, 'clock.1 added', (s) => s.some((i) => i.name === 'clock.1'));
    assert.equal(instance(api, 'worker.1')?.state, 'running', 'worker keeps running during the grace period');

    const snapshot = await waitFor(api, 'clock.1 added and worker gone', (s) => s.some((i) => i.name === 'clock.1') && !s.some((i) => i.type === 'worker'), 10_000);
    await waitGone([worker.pid!]);
    const clock = snapshot.find((i) => i.name === 'clock.1')!;
    assert.equal(clock.state, 'stopped', 'a new type is not started by an edit');
    assert.equal(clock.port, base + 100, 'clock takes the second slot');
    const webNow = snapshot.find((i) => i.name === 'web.1')!;
    assert.equal(webNow.state, 'running', 'an unchanged type keeps running');
    assert.equal(webNow.pid, web.pid);

    // The new type runs like any other.
    await vscode.commands.executeCommand('procfile.start', { process: 'clock' });
    await waitRunning(api, ['clock.1']);
  });
});
