/**
 * Problems panel and squiggles for Procfiles and the env files a formation uses. An open document is
 * parsed as the user types (its unsaved text); a file that is not open shows what was last read from
 * disk. Codes are the core parser's stable codes (README, "Problem codes").
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseEnvFile } from '../core/envfile';
import type { Problem, Severity } from '../core/problem';
import { parseProcfile } from '../core/procfile';
import type { Formations } from '../formations';

/** `source` of Procfile diagnostics (code actions find theirs by it). */
export const PROCFILE_SOURCE = 'Procfile';
/** `source` of env-file diagnostics. */
export const ENV_SOURCE = 'env file';

/** Delay (ms) between the last keystroke and re-parsing. */
const TYPING_DELAY_MS = 150;

const SEVERITIES: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** True for files named `Procfile` or `Procfile.*` (the `procfile` language), whatever the language mode. */
export function isProcfileName(uri: vscode.Uri): boolean {
  return /^Procfile(\..+)?$/.test(path.posix.basename(uri.path));
}

/** A core problem as a diagnostic: 1-based columns become a 0-based range (at least one character wide). */
export function toDiagnostic(problem: Problem, source: string, document?: vscode.TextDocument): vscode.Diagnostic {
  const line = Math.max(0, problem.line - 1);
  let start = Math.max(0, problem.column - 1);
  let end = Math.max(start, problem.endColumn - 1);
  if (end === start) {
    // Mark something visible: the whole line, or one character.
    const length = document && line < document.lineCount ? document.lineAt(line).text.length : start + 1;
    start = Math.min(start, length);
    end = Math.max(start + 1, length);
  }
  const diagnostic = new vscode.Diagnostic(new vscode.Range(line, start, line, end), problem.message, SEVERITIES[problem.severity]);
  diagnostic.code = problem.code;
  diagnostic.source = source;
  return diagnostic;
}

/** Keeps the two diagnostic collections current. */
export class ProcfileDiagnostics implements vscode.Disposable {
  readonly procfiles = vscode.languages.createDiagnosticCollection('procfile');
  readonly envFiles = vscode.languages.createDiagnosticCollection('procfile-env');
  private readonly disposables: vscode.Disposable[] = [];
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Env files in use by some formation (fsPath), from the last refresh. */
  private envPaths = new Set<string>();
  /** The folder configs the last refresh read. */
  private seenConfigs: unknown[] = [];

  constructor(private readonly formations: Formations) {
    this.disposables.push(
      this.procfiles,
      this.envFiles,
      vscode.workspace.onDidOpenTextDocument((document) => this.documentChanged(document, 0)),
      vscode.workspace.onDidChangeTextDocument((event) => this.documentChanged(event.document, TYPING_DELAY_MS)),
      vscode.workspace.onDidCloseTextDocument(() => this.refresh()),
      // States change often; only a re-read of files or settings (a new config object) matters here.
      formations.onDidChange(() => this.configsChanged() && this.refresh()),
    );
    this.refresh();
  }

  /** Re-reads everything: open documents live, other files from the formations' last read. */
  refresh(): void {
    const open = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.toString(), d]));
    const procfiles = new Map<string, vscode.Diagnostic[]>();
    const envFiles = new Map<string, vscode.Diagnostic[]>();
    this.envPaths = new Set();
    this.seenConfigs = this.formations.all().map((f) => f.config);
    for (const folder of this.formations.all()) {
      const uri = folder.procfileUri;
      if (!open.has(uri.toString())) procfiles.set(uri.toString(), folder.config.procfile.problems.map((p) => toDiagnostic(p, PROCFILE_SOURCE)));
      for (const report of folder.config.envFiles) {
        const envUri = vscode.Uri.file(report.path);
        this.envPaths.add(envUri.fsPath);
        if (open.has(envUri.toString()) && report.found) continue;
        const list = envFiles.get(envUri.toString()) ?? [];
        list.push(...report.problems.map((p) => toDiagnostic(p, ENV_SOURCE)));
        envFiles.set(envUri.toString(), list);
      }
    }
    for (const document of open.values()) {
      if (isProcfileName(document.uri)) procfiles.set(document.uri.toString(), this.parseProcfileDocument(document));
      else if (this.envPaths.has(document.uri.fsPath)) envFiles.set(document.uri.toString(), this.parseEnvDocument(document));
    }
    this.replace(this.procfiles, procfiles);
    this.replace(this.envFiles, envFiles);
  }

  private configsChanged(): boolean {
    const configs = this.formations.all().map((f) => f.config);
    const changed = configs.length !== this.seenConfigs.length || configs.some((c, i) => c !== this.seenConfigs[i]);
    return changed;
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const disposable of this.disposables) disposable.dispose();
  }

  private documentChanged(document: vscode.TextDocument, delayMs: number): void {
    const isProcfile = isProcfileName(document.uri);
    if (!isProcfile && !this.envPaths.has(document.uri.fsPath)) return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        if (document.isClosed) return;
        if (isProcfile) this.procfiles.set(document.uri, this.parseProcfileDocument(document));
        else this.envFiles.set(document.uri, this.parseEnvDocument(document));
      }, delayMs),
    );
  }

  private parseProcfileDocument(document: vscode.TextDocument): vscode.Diagnostic[] {
    return parseProcfile(document.getText()).problems.map((p) => toDiagnostic(p, PROCFILE_SOURCE, document));
  }

  private parseEnvDocument(document: vscode.TextDocument): vscode.Diagnostic[] {
    return parseEnvFile(document.getText()).problems.map((p) => toDiagnostic(p, ENV_SOURCE, document));
  }

  private replace(collection: vscode.DiagnosticCollection, entries: Map<string, vscode.Diagnostic[]>): void {
    collection.clear();
    for (const [uri, diagnostics] of entries) if (diagnostics.length > 0) collection.set(vscode.Uri.parse(uri), diagnostics);
  }
}
