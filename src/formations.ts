/**
 * All formations of the workspace: one per folder with a Procfile. Finds them, reloads them when
 * files, settings or trust change, remembers live counts across reloads, and stops everything on
 * deactivation. The single source the tree, terminals, channels, status bar and API read.
 */
import * as vscode from 'vscode';
import { locateProcfile } from './config';
import { ContextKeys, FORMATION_STATE_KEY, Settings } from './constants';
import type { ManagedInstanceSnapshot } from './core/managedFormation';
import type { OrphanRegistry } from './core/orphans';
import { FolderFormation } from './folderFormation';

/** Saved per folder URI in workspace state. */
interface SavedFolder {
  counts: Record<string, number>;
  running: boolean;
}

/** Budget for stopping everything on deactivation, ms (VS Code gives extensions a few seconds). */
const DEACTIVATE_BUDGET_MS = 2000;

/** The workspace's formations. */
export class Formations implements vscode.Disposable {
  private readonly byFolder = new Map<string, FolderFormation>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires (debounced) when anything shown changes: states, counts, folders, problems. */
  readonly onDidChange = this.changed.event;
  private readonly added = new vscode.EventEmitter<FolderFormation>();
  /** Fires when a folder's formation is created (terminals and channels subscribe to it). */
  readonly onDidAddFormation = this.added.event;
  private readonly disposables: vscode.Disposable[] = [];
  private changeTimer: NodeJS.Timeout | undefined;
  private reloadTimers = new Map<string, NodeJS.Timeout>();
  private refreshing: Promise<void> = Promise.resolve();

  /** What the last window saved (read once: persisting overwrites it). */
  private readonly savedAtStart: Record<string, SavedFolder>;

  constructor(
    private readonly state: vscode.Memento,
    /** Where started process groups are recorded for crash recovery (see core/orphans). */
    private readonly registry?: OrphanRegistry,
  ) {
    this.savedAtStart = this.saved();
    const watcher = vscode.workspace.createFileSystemWatcher('**/{Procfile,Procfile.*,.env,.env.*,*.env}');
    this.disposables.push(
      watcher,
      watcher.onDidChange((uri) => this.fileChanged(uri)),
      watcher.onDidCreate((uri) => this.fileChanged(uri)),
      watcher.onDidDelete((uri) => this.fileChanged(uri)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.refresh()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.refresh()),
      vscode.workspace.onDidChangeConfiguration((event) => {
        for (const folder of vscode.workspace.workspaceFolders ?? []) {
          if (event.affectsConfiguration(Settings.section, folder.uri)) this.scheduleReload(folder, true);
        }
      }),
    );
  }

  /** True when commands may start processes (a trusted workspace). */
  get canRun(): boolean {
    return vscode.workspace.isTrusted;
  }

  /** Formations in workspace-folder order. */
  all(): FolderFormation[] {
    return [...this.byFolder.values()].sort((a, b) => a.folder.index - b.folder.index);
  }

  /** The formation of a folder given by name, URI string or index; the only one when omitted. */
  find(folder?: string): FolderFormation | undefined {
    const all = this.all();
    if (folder === undefined) return all[0];
    return all.find((f) => f.name === folder || f.folder.uri.toString() === folder || f.folder.uri.fsPath === folder);
  }

  /** (Re)discovers folders with a Procfile; creates new formations, drops gone ones (stopping them).
   * Calls run one after another, so two refreshes never create the same folder's formation twice. */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing.then(() => this.discover()).catch((error) => this.report(error));
    return this.refreshing;
  }

  private async discover(): Promise<void> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const seen = new Set<string>();
    for (const folder of folders) {
      const key = folder.uri.toString();
      const procfileUri = await locateProcfile(folder);
      if (!procfileUri) continue;
      seen.add(key);
      const existing = this.byFolder.get(key);
      if (existing) {
        await existing.reload(procfileUri).catch((error) => this.report(error));
        continue;
      }
      try {
        const saved = this.savedAtStart[key];
        const created = await FolderFormation.create(folder, procfileUri, saved?.counts);
        this.byFolder.set(key, created);
        created.formation.on('change', () => this.fireChanged());
        created.formation.on('running', (snapshot) => snapshot.pid !== undefined && this.registry?.add(snapshot.pid, snapshot.name));
        created.formation.on('exit', (snapshot) => snapshot.pid !== undefined && this.registry?.remove(snapshot.pid));
        created.onDidReload(() => this.fireChanged());
        this.added.fire(created);
      } catch (error) {
        this.report(error);
      }
    }
    for (const [key, formation] of this.byFolder) {
      if (!seen.has(key)) {
        this.byFolder.delete(key);
        await formation.formation.stopAll();
        formation.dispose();
      }
    }
    void vscode.commands.executeCommand('setContext', ContextKeys.hasProcfile, this.byFolder.size > 0);
    void vscode.commands.executeCommand('setContext', ContextKeys.hasRunnable, this.all().some((f) => f.formation.types.some((t) => t.runnable)));
    this.fireChanged();
  }

  /** Every instance of every folder, for the API and the status bar. */
  snapshot(): { folder: FolderFormation; instance: ManagedInstanceSnapshot }[] {
    return this.all().flatMap((folder) => folder.formation.snapshot().map((instance) => ({ folder, instance })));
  }

  /** Stops everything within the deactivation budget: SIGTERM, SIGKILL after min(stop timeout, 2 s). */
  async stopAllForShutdown(): Promise<void> {
    this.persist();
    const all = this.all();
    const budget = Math.min(DEACTIVATE_BUDGET_MS, ...all.map((f) => f.config.stopTimeoutS * 1000));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(all.map((f) => f.formation.stopAll())),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, budget))),
    ]);
    clearTimeout(timer);
    for (const folder of all) folder.formation.killAll();
  }

  /** Saves live counts and whether each formation was running (restored after a window reload). */
  persist(): void {
    const saved: Record<string, SavedFolder> = {};
    for (const folder of this.all()) {
      saved[folder.folder.uri.toString()] = { counts: Object.fromEntries(folder.formation.countsByType()), running: folder.formation.isRunning() };
    }
    void this.state.update(FORMATION_STATE_KEY, saved);
  }

  /** Folders that were running when the window last closed. */
  wasRunning(): FolderFormation[] {
    return this.all().filter((f) => this.savedAtStart[f.folder.uri.toString()]?.running);
  }

  dispose(): void {
    clearTimeout(this.changeTimer);
    for (const timer of this.reloadTimers.values()) clearTimeout(timer);
    for (const formation of this.byFolder.values()) {
      formation.formation.killAll();
      formation.dispose();
    }
    this.byFolder.clear();
    for (const disposable of this.disposables) disposable.dispose();
    this.changed.dispose();
    this.added.dispose();
  }

  private saved(): Record<string, SavedFolder> {
    return this.state.get<Record<string, SavedFolder>>(FORMATION_STATE_KEY) ?? {};
  }

  private fileChanged(uri: vscode.Uri): void {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (folder) this.scheduleReload(folder, /Procfile/.test(uri.path));
  }

  /** Debounced reload of one folder; `rediscover` when the Procfile itself may have appeared or gone. */
  private scheduleReload(folder: vscode.WorkspaceFolder, rediscover: boolean): void {
    const key = folder.uri.toString();
    clearTimeout(this.reloadTimers.get(key));
    this.reloadTimers.set(
      key,
      setTimeout(() => {
        this.reloadTimers.delete(key);
        const existing = this.byFolder.get(key);
        if (rediscover || !existing) void this.refresh();
        else void existing.reload().catch((error) => this.report(error));
      }, 100),
    );
  }

  private fireChanged(): void {
    if (this.changeTimer !== undefined) return;
    this.changeTimer = setTimeout(() => {
      this.changeTimer = undefined;
      this.persist();
      void vscode.commands.executeCommand('setContext', ContextKeys.running, this.all().some((f) => f.formation.isRunning()));
      void vscode.commands.executeCommand('setContext', ContextKeys.hasRunnable, this.all().some((f) => f.formation.types.some((t) => t.runnable)));
      this.changed.fire();
    }, 50);
  }

  private report(error: unknown): void {
    void vscode.window.showErrorMessage(vscode.l10n.t('Procfile: {0}', (error as Error)?.message ?? String(error)));
  }
}
