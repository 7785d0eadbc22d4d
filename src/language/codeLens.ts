/**
 * CodeLens above each process type of the Procfile a formation runs — `▶ Start` or `■ Stop`,
 * `↻ Restart`, `Scale (2)`, `Debug` — running the same commands as the tree, redrawn when states
 * change; and the hover on a process name: the command that runs, each instance's PORT and state,
 * the env files in effect.
 */
import * as vscode from 'vscode';
import { Commands } from '../constants';
import type { CommandArgs } from '../commands/targets';
import { entrySymbols } from '../core/procfileEdits';
import type { FolderFormation } from '../folderFormation';
import type { Formations } from '../formations';
import { describeState } from '../tree';

/** The formation that runs this document's Procfile, if any. */
export function formationOf(formations: Formations, document: vscode.TextDocument): FolderFormation | undefined {
  return formations.all().find((f) => f.procfileUri.toString() === document.uri.toString());
}

/** Lenses for the Procfile of a running (or runnable) formation; none in an untrusted workspace. */
export class ProcfileCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly formations: Formations) {
    this.subscription = formations.onDidChange(() => this.changed.fire());
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const folder = formationOf(this.formations, document);
    if (!folder || !this.formations.canRun) return [];
    const formation = folder.formation;
    const lenses: vscode.CodeLens[] = [];
    for (const symbol of entrySymbols(document.getText())) {
      // Lenses on the line that runs (with duplicates, the last definition), for types that can run.
      const type = formation.types.find((t) => t.name === symbol.name && t.line === symbol.line && t.runnable);
      if (!type) continue;
      const range = new vscode.Range(symbol.line - 1, 0, symbol.line - 1, 0);
      const args: CommandArgs = { process: type.name, folder: folder.name };
      const running = formation.isRunning(type.name);
      const count = formation.count(type.name);
      if (running) lenses.push(new vscode.CodeLens(range, { title: vscode.l10n.t('■ Stop'), command: Commands.stop, arguments: [args], tooltip: vscode.l10n.t('Stop every instance of {0}', type.name) }));
      else lenses.push(new vscode.CodeLens(range, { title: vscode.l10n.t('▶ Start'), command: Commands.start, arguments: [args], tooltip: vscode.l10n.t('Start {0}', type.name) }));
      if (running) lenses.push(new vscode.CodeLens(range, { title: vscode.l10n.t('↻ Restart'), command: Commands.restart, arguments: [args], tooltip: vscode.l10n.t('Restart every instance of {0}', type.name) }));
      lenses.push(new vscode.CodeLens(range, { title: vscode.l10n.t('Scale ({0})', count), command: Commands.scale, arguments: [args], tooltip: vscode.l10n.t('Change how many instances of {0} run', type.name) }));
      lenses.push(new vscode.CodeLens(range, { title: vscode.l10n.t('Debug'), command: Commands.debug, arguments: [args], tooltip: vscode.l10n.t('Restart {0}.1 under the debugger', type.name) }));
    }
    return lenses;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/** Hover on a process name: what runs, where, and how it is doing. Names only, never env values. */
export class ProcfileHoverProvider implements vscode.HoverProvider {
  constructor(private readonly formations: Formations) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const symbol = entrySymbols(document.getText()).find((s) => s.line === position.line + 1 && position.character >= s.nameStartColumn - 1 && position.character < s.nameEndColumn - 1);
    if (!symbol) return undefined;
    const range = new vscode.Range(position.line, symbol.nameStartColumn - 1, position.line, symbol.nameEndColumn - 1);
    const folder = formationOf(this.formations, document);
    const markdown = new vscode.MarkdownString(undefined, true);
    markdown.appendMarkdown(`${vscode.l10n.t('**{0}** — process type', symbol.name)}\n\n`);
    const type = folder?.formation.types.find((t) => t.name === symbol.name);
    if (!folder || !type) {
      markdown.appendCodeblock(symbol.command, 'shellscript');
      markdown.appendMarkdown(`\n${vscode.l10n.t('This Procfile is not the one the workspace runs (`procfile.path`).')}`);
      return new vscode.Hover(markdown, range);
    }
    if (type.line !== symbol.line) markdown.appendMarkdown(`${vscode.l10n.t('Overridden: line {0} defines {1} again, and that command runs.', type.line, type.name)}\n\n`);
    markdown.appendCodeblock(type.command || vscode.l10n.t('(empty — not started)'), 'shellscript');
    const instances = folder.formation.snapshot().filter((i) => i.type === type.name);
    const lines: string[] = [];
    if (instances.length === 0) lines.push(vscode.l10n.t('- scaled to 0 · PORT {0}', folder.config.config.basePort + 100 * type.slot));
    for (const instance of instances) {
      const parts = [`\`${instance.name}\``, vscode.l10n.t('PORT {0}', instance.port), describeState(instance)];
      if (instance.pid !== undefined && ['running', 'starting', 'stopping'].includes(instance.state)) parts.push(vscode.l10n.t('pid {0}', instance.pid));
      if (instance.debugging) parts.push(vscode.l10n.t('debugging'));
      lines.push(`- ${parts.join(' · ')}`);
    }
    const envFiles = folder.config.envFiles.filter((f) => f.found).map((f) => vscode.workspace.asRelativePath(f.path));
    lines.push(vscode.l10n.t('- env files: {0}', envFiles.length > 0 ? envFiles.join(', ') : vscode.l10n.t('none')));
    if (folder.config.overriddenNames.length > 0) lines.push(vscode.l10n.t('- set by `procfile.env`: {0}', folder.config.overriddenNames.join(', ')));
    markdown.appendMarkdown(`\n${lines.join('\n')}`);
    return new vscode.Hover(markdown, range);
  }
}
