/**
 * Start, stop and restart: all of them, a type, or an instance. Nothing starts in an untrusted
 * workspace.
 */
import * as vscode from 'vscode';
import { Commands } from '../constants';
import type { FolderFormation } from '../folderFormation';
import type { Formations } from '../formations';
import { type CommandInput, folderOf, resolveTarget } from './targets';

/** Says why nothing runs in an untrusted workspace; true when running is allowed. */
export function checkTrust(formations: Formations): boolean {
  if (formations.canRun) return true;
  const manage = vscode.l10n.t('Manage Workspace Trust');
  void vscode.window.showWarningMessage(vscode.l10n.t('Procfile: this workspace is not trusted, so its Procfile is not run. Trust the workspace to start processes.'), manage).then((choice) => {
    if (choice === manage) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}

/**
 * Says why a folder cannot start: an env file with errors (the CLI refuses the same way). True when
 * it can.
 */
export function checkEnvFiles(folder: FolderFormation): boolean {
  const errors = folder.config.envFiles.flatMap((file) => file.problems.filter((p) => p.severity === 'error').map((p) => ({ file, problem: p })));
  if (errors.length === 0) return true;
  const [{ file, problem }] = errors;
  const where = `${vscode.workspace.asRelativePath(file.path)}:${problem.line}`;
  const message =
    errors.length > 1
      ? vscode.l10n.t('Procfile: nothing started — {0}: {1} (and {2} more).', where, problem.message, errors.length - 1)
      : vscode.l10n.t('Procfile: nothing started — {0}: {1}.', where, problem.message);
  const openFile = vscode.l10n.t('Open File');
  void vscode.window.showErrorMessage(message, openFile).then((choice) => {
    if (choice === openFile) void vscode.window.showTextDocument(vscode.Uri.file(file.path), { selection: new vscode.Range(problem.line - 1, 0, problem.line - 1, 0) });
  });
  return false;
}

/** Registers startAll, stopAll, restartAll, start, stop, restart. */
export function registerLifecycleCommands(context: vscode.ExtensionContext, formations: Formations): void {
  const folders = (input: CommandInput) => ((input as { folder?: unknown })?.folder !== undefined || (input as { kind?: string })?.kind === 'folder' ? [folderOf(formations, input)].filter((f) => f !== undefined) : formations.all());
  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.startAll, (input?: CommandInput) => {
      if (!checkTrust(formations)) return;
      for (const folder of folders(input)) {
        if (!folder.formation.types.some((t) => t.runnable)) {
          void vscode.window.showWarningMessage(vscode.l10n.t('Procfile: {0} has no process type that can run.', vscode.workspace.asRelativePath(folder.procfileUri)));
        } else if (checkEnvFiles(folder)) {
          folder.formation.startAll();
        }
      }
    }),
    vscode.commands.registerCommand(Commands.stopAll, async (input?: CommandInput) => {
      await Promise.all(folders(input).map((folder) => folder.formation.stopAll()));
    }),
    vscode.commands.registerCommand(Commands.restartAll, async (input?: CommandInput) => {
      if (!checkTrust(formations)) return;
      await Promise.all(folders(input).filter(checkEnvFiles).map((folder) => folder.formation.restartAll()));
    }),
    vscode.commands.registerCommand(Commands.start, async (input?: CommandInput) => {
      if (!checkTrust(formations)) return;
      const target = await resolveTarget(formations, input, vscode.l10n.t('Start which process type or instance?'));
      if (!target || !checkEnvFiles(target.folder)) return;
      const formation = target.folder.formation;
      // Starting a type scaled to 0 means "run one".
      if (target.kind === 'type' && formation.count(target.name) === 0) await formation.scale(target.name, 1);
      formation.start(target.name);
    }),
    vscode.commands.registerCommand(Commands.stop, async (input?: CommandInput) => {
      const target = await resolveTarget(formations, input, vscode.l10n.t('Stop which process type or instance?'));
      if (target) await target.folder.formation.stop(target.name);
    }),
    vscode.commands.registerCommand(Commands.restart, async (input?: CommandInput) => {
      if (!checkTrust(formations)) return;
      const target = await resolveTarget(formations, input, vscode.l10n.t('Restart which process type or instance?'));
      if (target && checkEnvFiles(target.folder)) await target.folder.formation.restart(target.name);
    }),
  );
}
