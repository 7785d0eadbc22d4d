/**
 * The VS Code extension entry point: a list of registrations over one Formations model.
 * `deactivate` stops every process (SIGTERM, SIGKILL after min(stop timeout, 2 s)).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { createApi, type ProcfileFormationApi } from './api';
import { registerLifecycleCommands } from './commands/lifecycle';
import { registerScaleCommands } from './commands/scale';
import { registerViewCommands } from './commands/views';
import { registerDebugging } from './debugging';
import { registerExport } from './exportView';
import { registerProcfileLanguage } from './language/procfileLanguage';
import { registerTasks } from './tasks';
import { Commands, Settings, Views } from './constants';
import { OrphanRegistry } from './core/orphans';
import { Formations } from './formations';
import { OutputChannels } from './outputChannels';
import { registerStatusBar } from './statusBar';
import { InstanceTerminals } from './terminals';
import { ProcessTreeProvider } from './tree';

let formations: Formations | undefined;

/** Called by VS Code when a workspace contains a Procfile, or the Processes view opens. */
export async function activate(context: vscode.ExtensionContext): Promise<ProcfileFormationApi> {
  // Groups a crashed or killed extension host left running are stopped before anything starts.
  const registry = new OrphanRegistry(path.join((context.storageUri ?? context.globalStorageUri).fsPath, 'process-groups.json'));
  const leftovers = await registry.stopLeftovers();
  const killOnExit = () => registry.killAll();
  process.on('exit', killOnExit);
  context.subscriptions.push({ dispose: () => process.off('exit', killOnExit) });
  formations = new Formations(context.workspaceState, registry);
  const terminals = new InstanceTerminals(formations);
  const channels = new OutputChannels(formations);
  const tree = new ProcessTreeProvider(formations);
  context.subscriptions.push(formations, terminals, channels, tree, vscode.window.createTreeView(Views.processes, { treeDataProvider: tree, showCollapseAll: true }));
  registerLifecycleCommands(context, formations);
  registerScaleCommands(context, formations);
  registerViewCommands(context, formations, terminals, channels);
  registerStatusBar(context, formations);
  registerDebugging(context, formations, channels.log);
  registerProcfileLanguage(context, formations);
  registerTasks(context, formations);
  registerExport(context, formations);
  channels.registerShowLog(context);
  if (leftovers.length > 0) channels.log.warn(`stopped ${leftovers.join(', ')}, left running by a previous session`);
  await formations.refresh();
  void offerRestart(formations);
  return createApi(formations);
}

/** Stops everything within VS Code's shutdown budget. */
export async function deactivate(): Promise<void> {
  await formations?.stopAllForShutdown();
}

/** After a window reload: start again with `procfile.autoStart`, else offer to. Never when untrusted. */
async function offerRestart(all: Formations): Promise<void> {
  if (!all.canRun) return;
  for (const folder of all.all()) {
    const autoStart = vscode.workspace.getConfiguration(Settings.section, folder.folder.uri).get<boolean>(Settings.autoStart);
    if (autoStart) folder.formation.startAll();
  }
  const wasRunning = all.wasRunning().filter((f) => !f.formation.isRunning());
  if (wasRunning.length === 0) return;
  const startAll = vscode.l10n.t('Start All');
  const choice = await vscode.window.showInformationMessage(vscode.l10n.t('Procfile: the formation was running before the window reloaded ({0}).', wasRunning.map((f) => f.name).join(', ')), startAll);
  if (choice === startAll) await vscode.commands.executeCommand(Commands.startAll);
}
