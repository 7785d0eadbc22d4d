/**
 * The `procfile` language's editor features: outline and breadcrumbs (document symbols), folding of
 * comment blocks, quick fixes for the parser's problems, plus the registrations of diagnostics,
 * CodeLens and hover. The rules themselves (what a fix changes, what folds) live in
 * core/procfileEdits; this file maps them to VS Code ranges (core is 1-based, VS Code 0-based).
 */
import * as vscode from 'vscode';
import { LANGUAGE_ID } from '../constants';
import { parseProcfile } from '../core/procfile';
import { commentBlocks, entrySymbols, quickFixes, type ProcfileTextEdit } from '../core/procfileEdits';
import type { Formations } from '../formations';
import { ProcfileCodeLensProvider, ProcfileHoverProvider } from './codeLens';
import { ProcfileDiagnostics, PROCFILE_SOURCE } from './diagnostics';

/** Files the language features apply to: the `procfile` language, and any file named Procfile(.*). */
export const PROCFILE_SELECTOR: vscode.DocumentSelector = [{ language: LANGUAGE_ID }, { pattern: '**/Procfile' }, { pattern: '**/Procfile.*' }];

/** One process type per entry line (duplicates included): outline, breadcrumbs, "Go to Symbol". */
export class ProcfileSymbolProvider implements vscode.DocumentSymbolProvider {
  provideDocumentSymbols(document: vscode.TextDocument): vscode.DocumentSymbol[] {
    return entrySymbols(document.getText()).map((symbol) => {
      const line = symbol.line - 1;
      const full = new vscode.Range(line, 0, line, document.lineAt(line).text.length);
      const name = new vscode.Range(line, symbol.nameStartColumn - 1, line, symbol.nameEndColumn - 1);
      return new vscode.DocumentSymbol(symbol.name, symbol.command, vscode.SymbolKind.Function, full, name);
    });
  }
}

/** Blocks of two or more comment lines fold. */
export class ProcfileFoldingProvider implements vscode.FoldingRangeProvider {
  provideFoldingRanges(document: vscode.TextDocument): vscode.FoldingRange[] {
    return commentBlocks(document.getText()).map((block) => new vscode.FoldingRange(block.startLine - 1, block.endLine - 1, vscode.FoldingRangeKind.Comment));
  }
}

/** A core edit as a VS Code range (1-based line/columns, end exclusive → 0-based). */
function toRange(edit: ProcfileTextEdit): vscode.Range {
  return new vscode.Range(edit.line - 1, edit.startColumn - 1, (edit.endLine ?? edit.line) - 1, edit.endColumn - 1);
}

/** Quick fixes for the Procfile diagnostics in the request's context. */
export class ProcfileCodeActionProvider implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const ours = context.diagnostics.filter((d) => d.source === PROCFILE_SOURCE);
    if (ours.length === 0) return [];
    const text = document.getText();
    const problems = parseProcfile(text).problems;
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of ours) {
      const problem = problems.find((p) => p.code === diagnostic.code && p.line - 1 === diagnostic.range.start.line);
      if (!problem) continue;
      for (const fix of quickFixes(text, problem)) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        action.isPreferred = fix.preferred;
        action.edit = new vscode.WorkspaceEdit();
        for (const edit of fix.edits) action.edit.replace(document.uri, toRange(edit), edit.newText);
        actions.push(action);
      }
    }
    return actions;
  }
}

/** Registers the language features; returns the diagnostics (other parts refresh it). */
export function registerProcfileLanguage(context: vscode.ExtensionContext, formations: Formations): ProcfileDiagnostics {
  const diagnostics = new ProcfileDiagnostics(formations);
  const lenses = new ProcfileCodeLensProvider(formations);
  context.subscriptions.push(
    diagnostics,
    lenses,
    vscode.languages.registerDocumentSymbolProvider(PROCFILE_SELECTOR, new ProcfileSymbolProvider()),
    vscode.languages.registerFoldingRangeProvider(PROCFILE_SELECTOR, new ProcfileFoldingProvider()),
    vscode.languages.registerCodeActionsProvider(PROCFILE_SELECTOR, new ProcfileCodeActionProvider(), { providedCodeActionKinds: ProcfileCodeActionProvider.kinds }),
    vscode.languages.registerCodeLensProvider(PROCFILE_SELECTOR, lenses),
    vscode.languages.registerHoverProvider(PROCFILE_SELECTOR, new ProcfileHoverProvider(formations)),
  );
  return diagnostics;
}
