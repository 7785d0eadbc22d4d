/**
 * The extension is installed in the host, activates, and the window has the fixture workspace
 * (test/fixtures/workspace: a Procfile with `web`, `worker`, `crash` and `echo`, the last two scaled to 0 by the
 * fixture's .vscode/settings.json) open. `activate()` returns the documented API.
 */
import assert from 'node:assert/strict';
import { realpathSync } from 'node:fs';
import * as vscode from 'vscode';
import { activateApi, EXTENSION_ID, fixture } from './helpers';

describe('Activation', () => {
  it('opens the fixture workspace', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1);
    assert.equal(folders[0].uri.scheme, 'file');
    assert.equal(realpathSync(folders[0].uri.fsPath), fixture);
  });

  it('finds the extension and activates it', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed in the extension host`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('returns the API: getSnapshot() and onDidChange', async () => {
    const api = await activateApi();
    assert.equal(typeof api.getSnapshot, 'function');
    assert.equal(typeof api.onDidChange, 'function');
    const subscription = api.onDidChange(() => {});
    assert.equal(typeof subscription.dispose, 'function');
    subscription.dispose();
    const snapshot = api.getSnapshot();
    assert.ok(Array.isArray(snapshot));
    for (const entry of snapshot) {
      assert.deepEqual(Object.keys(entry).sort(), ['debugging', 'exitCode', 'folder', 'gaveUp', 'index', 'name', 'pid', 'port', 'restarts', 'signal', 'state', 'type']);
    }
  });

  it('registers every command of the manifest', async () => {
    const commands = new Set(await vscode.commands.getCommands(true));
    const contributed = (vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    assert.ok(contributed.length >= 13);
    assert.deepEqual(contributed.filter((c) => !commands.has(c)), []);
  });
});
