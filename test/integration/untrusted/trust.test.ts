/**
 * Runs in a window where workspace trust is enabled and the fixture folder is not trusted (the runner
 * starts code-server without `--disable-workspace-trust`): the workspace must be restricted.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';

describe('Untrusted workspace', () => {
  it('opens the folder in restricted mode', () => {
    assert.equal(vscode.workspace.workspaceFolders?.length, 1);
    assert.equal(vscode.workspace.isTrusted, false);
  });
});
