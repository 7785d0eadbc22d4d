/**
 * Runs in a window where workspace trust is enabled and the fixture folder is not trusted (the runner
 * starts code-server without `--disable-workspace-trust`): the workspace is restricted, the extension
 * still activates and shows the Procfile, and no command starts a process.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateApi, assertNoFixtureProcesses, fixtureProcesses, sleep, terminalNames } from '../helpers';

describe('Untrusted workspace', function () {
  this.timeout(30_000);

  it('opens the folder in restricted mode', () => {
    assert.equal(vscode.workspace.workspaceFolders?.length, 1);
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('activates and shows the Procfile, all stopped', async () => {
    const api = await activateApi();
    await vscode.commands.executeCommand('procfile.processes.focus');
    const snapshot = api.getSnapshot();
    assert.ok(snapshot.some((i) => i.name === 'web.1') && snapshot.some((i) => i.name === 'worker.1'), JSON.stringify(snapshot));
    assert.ok(snapshot.every((i) => i.state === 'stopped' && i.pid === null), JSON.stringify(snapshot));
  });

  it('starts nothing: Start All, Start, Restart All, Restart, Scale, Debug', async () => {
    const api = await activateApi();
    await vscode.commands.executeCommand('procfile.startAll');
    await vscode.commands.executeCommand('procfile.start', { process: 'web' });
    await vscode.commands.executeCommand('procfile.start', { process: 'worker.1' });
    await vscode.commands.executeCommand('procfile.restartAll');
    await vscode.commands.executeCommand('procfile.restart', { process: 'web.1' });
    await vscode.commands.executeCommand('procfile.scale', { process: 'worker', count: 2 });
    assert.equal(await vscode.commands.executeCommand('procfile.debug', { process: 'web.1' }), false, 'Debug refuses');
    // (launch.json / F5: VS Code itself asks for trust before any debug session; the provider and
    // the adapter refuse as well.)
    assert.equal(vscode.debug.activeDebugSession, undefined, 'no debug session');
    try {
      // Anything spawned would show within this time.
      for (let i = 0; i < 20; i++) {
        assert.deepEqual(fixtureProcesses(), [], 'no process is spawned');
        assert.ok(api.getSnapshot().every((s) => s.state === 'stopped' && s.pid === null), JSON.stringify(api.getSnapshot()));
        await sleep(100);
      }
      assert.deepEqual(terminalNames().filter((n) => /^\w+\.\d+$/.test(n)), [], 'no instance terminal opened');
    } finally {
      await vscode.commands.executeCommand('procfile.scale', { process: 'worker', count: 1 });
    }
  });

  it('Stop All leaves zero processes', async () => {
    await vscode.commands.executeCommand('procfile.stopAll');
    await assertNoFixtureProcesses();
  });
});
