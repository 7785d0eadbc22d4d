/**
 * The "Processes" view: process types in Procfile order, their instances with live state, and a
 * folder level when several workspace folders have a Procfile. Reads the Formations model only.
 */
import * as vscode from 'vscode';
import { Commands, ContextValues } from './constants';
import type { EnvFileReport } from './core/environment';
import type { InstanceState } from './core/instance';
import type { ManagedInstanceSnapshot } from './core/managedFormation';
import type { ProcessType } from './core/procfile';
import type { FolderFormation } from './folderFormation';
import type { Formations } from './formations';

/** A tree node: a folder, a process type, an instance, or an env file in use. Commands receive these from menus. */
export type ProcessNode = FolderNode | TypeNode | InstanceNode | EnvFileNode;

export interface FolderNode {
  kind: 'folder';
  folder: FolderFormation;
}
export interface TypeNode {
  kind: 'type';
  folder: FolderFormation;
  type: ProcessType;
}
/** An env file the formation reads (`procfile.envFiles`): opens on click, shows its problems. */
export interface EnvFileNode {
  kind: 'envFile';
  folder: FolderFormation;
  report: EnvFileReport;
}
export interface InstanceNode {
  kind: 'instance';
  folder: FolderFormation;
  instance: ManagedInstanceSnapshot;
}

/** Icon and theme colour of each state. */
const STATE_ICONS: Record<InstanceState, [string, string | undefined]> = {
  stopped: ['circle-outline', undefined],
  starting: ['loading~spin', 'debugIcon.startForeground'],
  running: ['pass-filled', 'testing.iconPassed'],
  stopping: ['loading~spin', 'debugIcon.stopForeground'],
  exited: ['pass', 'descriptionForeground'],
  crashed: ['error', 'testing.iconFailed'],
  restarting: ['history', 'list.warningForeground'],
};

/** A state as shown to the user (`running`, `crashed`…), localized; the state ids stay English. */
export function stateLabel(state: InstanceState): string {
  switch (state) {
    case 'stopped':
      return vscode.l10n.t('stopped');
    case 'starting':
      return vscode.l10n.t('starting');
    case 'running':
      return vscode.l10n.t('running');
    case 'stopping':
      return vscode.l10n.t('stopping');
    case 'exited':
      return vscode.l10n.t('exited');
    case 'crashed':
      return vscode.l10n.t('crashed');
    case 'restarting':
      return vscode.l10n.t('restarting');
  }
}

/** Short state text for descriptions: `running`, `restarting in 4s`, `crashed (3) — gave up`. */
export function describeState(instance: ManagedInstanceSnapshot, now = Date.now()): string {
  switch (instance.state) {
    case 'restarting': {
      const seconds = instance.restartAt === undefined ? 0 : Math.max(0, Math.ceil((instance.restartAt - now) / 1000));
      return vscode.l10n.t('restarting in {0}s', seconds);
    }
    case 'crashed':
    case 'exited': {
      const how = instance.signal ?? (instance.exitCode === undefined ? vscode.l10n.t('not started') : vscode.l10n.t('code {0}', instance.exitCode));
      return instance.gaveUp ? vscode.l10n.t('{0} ({1}) — gave up', stateLabel(instance.state), how) : vscode.l10n.t('{0} ({1})', stateLabel(instance.state), how);
    }
    default:
      return stateLabel(instance.state);
  }
}

/** `45s`, `3m 05s`, `2h 04m`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return vscode.l10n.t('{0}s', seconds);
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return vscode.l10n.t('{0}m {1}s', minutes, String(seconds % 60).padStart(2, '0'));
  return vscode.l10n.t('{0}h {1}m', Math.floor(minutes / 60), String(minutes % 60).padStart(2, '0'));
}

/** Provides the tree; refreshes on every (debounced) model change. */
export class ProcessTreeProvider implements vscode.TreeDataProvider<ProcessNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ProcessNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  private countdown: NodeJS.Timeout | undefined;

  constructor(private readonly formations: Formations) {
    this.subscription = formations.onDidChange(() => this.refresh());
  }

  /** Redraws; while something is restarting, again every second so "restarting in Ns" counts down. */
  private refresh(): void {
    this.changed.fire(undefined);
    clearTimeout(this.countdown);
    this.countdown = undefined;
    if (this.formations.snapshot().some(({ instance }) => instance.state === 'restarting')) {
      this.countdown = setTimeout(() => this.refresh(), 1000);
    }
  }

  getChildren(node?: ProcessNode): ProcessNode[] {
    if (!node) {
      const all = this.formations.all();
      if (all.length > 1) return all.map((folder) => ({ kind: 'folder', folder }));
      return all.length === 1 ? this.typesOf(all[0]) : [];
    }
    if (node.kind === 'folder') return this.typesOf(node.folder);
    if (node.kind === 'type') {
      return node.folder.formation
        .snapshot()
        .filter((instance) => instance.type === node.type.name)
        .map((instance) => ({ kind: 'instance', folder: node.folder, instance }));
    }
    return [];
  }

  getTreeItem(node: ProcessNode): vscode.TreeItem {
    if (node.kind === 'folder') return this.folderItem(node);
    if (node.kind === 'type') return this.typeItem(node);
    if (node.kind === 'envFile') return this.envFileItem(node);
    return this.instanceItem(node);
  }

  /** Tooltips are built when hovered, so uptime and the last exit are current. */
  resolveTreeItem(item: vscode.TreeItem, node: ProcessNode): vscode.TreeItem {
    if (node.kind === 'instance') {
      const current = node.folder.formation.snapshot().find((i) => i.name === node.instance.name) ?? node.instance;
      item.tooltip = this.instanceTooltip(node.folder, current);
    }
    return item;
  }

  getParent(node: ProcessNode): ProcessNode | undefined {
    if (node.kind === 'instance') {
      const type = node.folder.config.procfile.types.find((t) => t.name === node.instance.type);
      return type && { kind: 'type', folder: node.folder, type };
    }
    if ((node.kind === 'type' || node.kind === 'envFile') && this.formations.all().length > 1) return { kind: 'folder', folder: node.folder };
    return undefined;
  }

  dispose(): void {
    clearTimeout(this.countdown);
    this.subscription.dispose();
    this.changed.dispose();
  }

  /** The types, then the env files in use (a missing default `.env` is not listed). */
  private typesOf(folder: FolderFormation): ProcessNode[] {
    const types: ProcessNode[] = folder.config.procfile.types.map((type) => ({ kind: 'type', folder, type }));
    // Without any type the view stays empty, so its welcome text says why nothing can run.
    if (types.length === 0) return [];
    const envFiles: ProcessNode[] = folder.config.envFiles.filter((f) => f.found || f.problems.length > 0).map((report) => ({ kind: 'envFile', folder, report }));
    return [...types, ...envFiles];
  }

  private envFileItem({ folder, report }: EnvFileNode): vscode.TreeItem {
    const uri = vscode.Uri.file(report.path);
    const item = new vscode.TreeItem(vscode.workspace.asRelativePath(uri, false), vscode.TreeItemCollapsibleState.None);
    item.id = `env:${folder.folder.uri}:${report.path}`;
    item.resourceUri = uri;
    const errors = report.problems.filter((p) => p.severity === 'error').length;
    const warnings = report.problems.length - errors;
    const variables = report.keys.length;
    const parts = [!report.found ? vscode.l10n.t('env file · not found') : variables === 1 ? vscode.l10n.t('env file · 1 variable') : vscode.l10n.t('env file · {0} variables', variables)];
    if (errors > 0) parts.push(errors === 1 ? vscode.l10n.t('1 error') : vscode.l10n.t('{0} errors', errors));
    if (warnings > 0) parts.push(warnings === 1 ? vscode.l10n.t('1 warning') : vscode.l10n.t('{0} warnings', warnings));
    item.description = parts.join(' · ');
    // As read by screen readers: the name and what the description says (not the full path).
    item.accessibilityInformation = { label: `${item.label as string} ${item.description}` };
    item.iconPath = new vscode.ThemeIcon(errors > 0 ? 'error' : warnings > 0 ? 'warning' : 'symbol-variable', errors > 0 ? new vscode.ThemeColor('list.errorForeground') : undefined);
    // Names only, never values.
    item.tooltip = report.found ? vscode.l10n.t('{0}\n\nSets: {1}', report.path, report.keys.join(', ') || vscode.l10n.t('nothing')) : vscode.l10n.t('{0} does not exist', report.path);
    item.contextValue = ContextValues.envFile;
    if (report.found) item.command = { title: vscode.l10n.t('Open'), command: Commands.openEnvFile, arguments: [{ kind: 'envFile', folder, report }] };
    return item;
  }

  private folderItem({ folder }: FolderNode): vscode.TreeItem {
    const item = new vscode.TreeItem(folder.name, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `folder:${folder.folder.uri}`;
    item.resourceUri = folder.procfileUri;
    item.iconPath = new vscode.ThemeIcon('root-folder');
    item.contextValue = ContextValues.folder;
    return item;
  }

  private typeItem({ folder, type }: TypeNode): vscode.TreeItem {
    const instances = folder.formation.snapshot().filter((i) => i.type === type.name);
    const running = instances.filter((i) => i.state === 'running').length;
    const item = new vscode.TreeItem(type.name, instances.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    // A new id when instances appear, so VS Code shows the type expanded instead of keeping the
    // collapsed state it had while empty.
    item.id = `type:${folder.folder.uri}:${type.name}:${instances.length > 0 ? 'instances' : 'empty'}`;
    const port = instances[0]?.port ?? folder.config.config.basePort + 100 * type.slot;
    item.description = !type.runnable
      ? vscode.l10n.t('empty command — not started')
      : instances.length === 0
        ? vscode.l10n.t('scaled to 0 · :{0}', port)
        : vscode.l10n.t('{0}/{1} running · :{2}', running, instances.length, port);
    item.iconPath = new vscode.ThemeIcon(type.runnable ? 'layers' : 'warning', running > 0 ? new vscode.ThemeColor('testing.iconPassed') : undefined);
    item.contextValue = ContextValues.type(folder.formation.isRunning(type.name));
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown(`${vscode.l10n.t('**{0}** — line {1} of the Procfile', type.name, type.line)}\n\n`);
    tooltip.appendCodeblock(type.command || vscode.l10n.t('(empty)'), 'shellscript');
    tooltip.appendMarkdown(`\n${vscode.l10n.t('{0} instance(s); click **+**/**−** or run *Procfile: Scale…*', instances.length)}`);
    item.tooltip = tooltip;
    item.command = { title: vscode.l10n.t('Open Procfile'), command: Commands.openProcfile, arguments: [{ kind: 'type', folder, type }] };
    return item;
  }

  private instanceItem({ folder, instance }: InstanceNode): vscode.TreeItem {
    const item = new vscode.TreeItem(instance.name, vscode.TreeItemCollapsibleState.None);
    item.id = `instance:${folder.folder.uri}:${instance.name}`;
    const [icon, color] = instance.debugging && instance.state === 'running' ? ['debug-alt', 'debugIcon.startForeground'] : STATE_ICONS[instance.state];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    const parts = [describeState(instance)];
    if (instance.debugging) parts.push(vscode.l10n.t('debugging'));
    if (instance.pid !== undefined && ['running', 'starting', 'stopping'].includes(instance.state)) parts.push(vscode.l10n.t('pid {0}', instance.pid));
    parts.push(`:${instance.port}`);
    if (instance.changed) parts.push(vscode.l10n.t('changed — restart to apply'));
    item.description = parts.join(' · ');
    item.contextValue = ContextValues.instance(instance.state, instance.debugging);
    item.command = { title: vscode.l10n.t('Show Terminal'), command: Commands.showTerminal, arguments: [{ kind: 'instance', folder, instance }] };
    return item;
  }

  private instanceTooltip(folder: FolderFormation, instance: ManagedInstanceSnapshot): vscode.MarkdownString {
    const tooltip = new vscode.MarkdownString(undefined, true);
    const uptime = instance.state === 'running' && instance.startedAt !== undefined ? formatDuration(Date.now() - instance.startedAt) : '—';
    const exit = instance.lastExit;
    const lastExit = exit === undefined ? '—' : exit.signal !== undefined ? exit.signal : vscode.l10n.t('code {0}', String(exit.code));
    const envFiles = folder.config.envFiles.filter((f) => f.found).map((f) => vscode.workspace.asRelativePath(f.path));
    tooltip.appendMarkdown(`${vscode.l10n.t('**{0}** — {1}', instance.name, describeState(instance))}\n\n`);
    tooltip.appendCodeblock(instance.command, 'shellscript');
    tooltip.appendMarkdown(
      [
        vscode.l10n.t('- cwd: `{0}`', folder.config.config.root),
        vscode.l10n.t('- PID: {0} · PORT: {1}', instance.pid ?? '—', instance.port),
        vscode.l10n.t('- uptime: {0} · restarts: {1} · last exit: {2}', uptime, instance.restarts, lastExit),
        vscode.l10n.t('- env files: {0}', envFiles.length > 0 ? envFiles.join(', ') : vscode.l10n.t('none')),
        folder.config.overriddenNames.length > 0 ? vscode.l10n.t('- set by `procfile.env`: {0}', folder.config.overriddenNames.join(', ')) : '',
      ]
        .filter((line) => line !== '')
        .join('\n'),
    );
    return tooltip;
  }
}
