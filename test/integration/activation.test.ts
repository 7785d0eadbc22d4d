/**
 * The extension is installed in the host, activates, and the window has the fixture workspace
 * (test/fixtures/workspace: a Procfile with `web` and `worker`) open.
 */
import assert from 'node:assert/strict';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'procfile-formation.procfile-formation';
const fixture = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'workspace');

describe('Activation', () => {
  it('opens the fixture workspace', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1);
    assert.equal(folders[0].uri.scheme, 'file');
    assert.equal(realpathSync(folders[0].uri.fsPath), realpathSync(fixture));
  });

  it('finds the extension and activates it', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed in the extension host`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });
});
