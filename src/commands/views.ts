/**
 * Commands that show things: an instance's terminal, a type's output channel, the Procfile; plus
 * Refresh and "Create Procfile".
 */
import * as vscode from 'vscode';
import { Commands } from '../constants';
import { scaffoldProcfile } from '../core/scaffold';
import type { Formations } from '../formations';
import type { OutputChannels } from '../outputChannels';
import type { InstanceTerminals } from '../terminals';
import { type CommandInput, folderOf, resolveTarget } from './targets';

/** Registers showTerminal, showOutput, openProcfile, refresh and createProcfile. */
export function registerViewCommands(context: vscode.ExtensionContext, formations: Formations, terminals: InstanceTerminals, channels: OutputChannels): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.showTerminal, async (input?: CommandInput) => {
      const target = await resolveTarget(formations, input, vscode.l10n.t('Show the terminal of which instance?'), ['instance']);
      if (!target) return;
      const terminal = terminals.get(target.folder, target.name);
      if (terminal) terminal.show();
      else void vscode.window.showInformationMessage(vscode.l10n.t('Procfile: {0} has no open terminal; one opens when {0} starts.', target.name));
    }),
    vscode.commands.registerCommand(Commands.showOutput, async (input?: CommandInput) => {
      const target = await resolveTarget(formations, input, vscode.l10n.t('Show the output of which process type?'), ['type']);
      if (target) channels.channel(target.folder, target.name).show(true);
    }),
    vscode.commands.registerCommand(Commands.openProcfile, async (input?: CommandInput) => {
      const folder = folderOf(formations, input);
      if (!folder) return;
      const editor = await vscode.window.showTextDocument(folder.procfileUri, { preview: true });
      const line = input && 'kind' in input && input.kind === 'type' ? input.type.line - 1 : undefined;
      if (line !== undefined) editor.selection = new vscode.Selection(line, 0, line, 0);
    }),
    vscode.commands.registerCommand(Commands.openEnvFile, async (input?: { kind?: string; report?: { path: string; problems: { line: number }[] } }) => {
      if (input?.kind !== 'envFile' || !input.report) return;
      const line = input.report.problems[0]?.line;
      const editor = await vscode.window.showTextDocument(vscode.Uri.file(input.report.path), { preview: true });
      if (line !== undefined) editor.selection = new vscode.Selection(line - 1, 0, line - 1, 0);
    }),
    vscode.commands.registerCommand(Commands.refresh, () => formations.refresh()),
    vscode.commands.registerCommand(Commands.createProcfile, async () => {
      const folder = vscode.workspace.workspaceFolders?.[0];
      if (!folder) return void vscode.window.showErrorMessage(vscode.l10n.t('Procfile: open a folder first.'));
      const uri = vscode.Uri.joinPath(folder.uri, 'Procfile');
      const exists = await vscode.workspace.fs.stat(uri).then(() => true, () => false);
      if (!exists) {
        const hints = await workspaceHints(folder.uri);
        await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(scaffoldProcfile(hints)));
        if (hints.packageJson !== undefined && !isJson(hints.packageJson)) {
          void vscode.window.showWarningMessage(vscode.l10n.t('Procfile: package.json is not valid JSON, so its scripts could not be used; the new Procfile is a commented template.'));
        }
      }
      await vscode.window.showTextDocument(uri);
      await formations.refresh();
    }),
  );
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

async function workspaceHints(root: vscode.Uri) {
  const read = async (name: string) => {
    try {
      return new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(root, name)));
    } catch {
      return undefined;
    }
  };
  const gemfile = await read('Gemfile');
  return { packageJson: await read('package.json'), hasGemfileWithRails: gemfile !== undefined && /['"]rails['"]/.test(gemfile), hasManagePy: (await read('manage.py')) !== undefined };
}
