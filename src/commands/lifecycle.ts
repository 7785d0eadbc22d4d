/**
 * Start, stop and restart: all of them, a type, or an instance. Nothing starts in an untrusted
 * workspace.
 */
import * as vscode from 'vscode';
import { Commands } from '../constants';
import type { Formations } from '../formations';
import { type CommandInput, folderOf, resolveTarget } from './targets';

/** Says why nothing runs in an untrusted workspace; true when running is allowed. */
export function checkTrust(formations: Formations): boolean {
  if (formations.canRun) return true;
  void vscode.window.showWarningMessage('Procfile: this workspace is not trusted, so its Procfile is not run. Trust the workspace to start processes.', 'Manage Workspace Trust').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}

/** Registers startAll, stopAll, restartAll, start, stop, restart. */
export function registerLifecycleCommands(context: vscode.ExtensionContext, formations: Formations): void {
  const folders = (input: CommandInput) => ((input as { folder?: unknown })?.folder !== undefined || (input as { kind?: string })?.kind === 'folder' ? [folderOf(formations, input)].filter((f) => f !== undefined) : formations.all());
  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.startAll, (input?: CommandInput) => {
      if (!checkTrust(formations)) return;
      for (const folder of folders(input)) folder.formation.startAll();
    }),
    vscode.commands.registerCommand(Commands.stopAll, async (input?: CommandInput) => {
      await Promise.all(folders(input).map((folder) => folder.formation.stopAll()));
    }),
    vscode.commands.registerCommand(Commands.restartAll, async (input?: CommandInput) => {
      if (!checkTrust(formations)) return;
      await Promise.all(folders(input).map((folder) => folder.formation.restartAll()));
    }),
    vscode.commands.registerCommand(Commands.start, async (input?: CommandInput) => {
      if (!checkTrust(formations)) return;
      const target = await resolveTarget(formations, input, 'Start which process type or instance?');
      target?.folder.formation.start(target.name);
    }),
    vscode.commands.registerCommand(Commands.stop, async (input?: CommandInput) => {
      const target = await resolveTarget(formations, input, 'Stop which process type or instance?');
      if (target) await target.folder.formation.stop(target.name);
    }),
    vscode.commands.registerCommand(Commands.restart, async (input?: CommandInput) => {
      if (!checkTrust(formations)) return;
      const target = await resolveTarget(formations, input, 'Restart which process type or instance?');
      if (target) await target.folder.formation.restart(target.name);
    }),
  );
}
