/**
 * The VS Code extension entry point: a stub until the Procfile view arrives (Step 2). Everything the
 * extension will show comes from `src/core`.
 */
import type * as vscode from 'vscode';

/** Called by VS Code when a workspace contains a Procfile. */
export function activate(_context: vscode.ExtensionContext): void {}

/** Nothing to release: `context.subscriptions` owns everything. */
export function deactivate(): void {}
