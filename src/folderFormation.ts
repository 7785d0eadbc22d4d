/**
 * The formation of one workspace folder: its Procfile, settings and ManagedFormation, reloaded when
 * files or settings change.
 */
import * as vscode from 'vscode';
import { type FolderConfig, readFolderConfig } from './config';
import { ManagedFormation } from './core/managedFormation';

/** One folder's formation. Dispose stops nothing: call `stopAll` first (the registry does). */
export class FolderFormation implements vscode.Disposable {
  /** Runs when the config was re-read (the tree, problems and terminals refresh). */
  private readonly reloaded = new vscode.EventEmitter<void>();
  readonly onDidReload = this.reloaded.event;

  private constructor(
    readonly folder: vscode.WorkspaceFolder,
    private current: FolderConfig,
    readonly formation: ManagedFormation,
  ) {}

  /** Reads the folder's Procfile and settings and creates its (stopped) formation. */
  static async create(folder: vscode.WorkspaceFolder, procfileUri: vscode.Uri, savedCounts: Record<string, number> | undefined): Promise<FolderFormation> {
    const config = await readFolderConfig(folder, procfileUri);
    const formation = new ManagedFormation(config.config);
    const created = new FolderFormation(folder, config, formation);
    for (const [type, count] of Object.entries(savedCounts ?? {})) {
      if (config.procfile.types.some((t) => t.name === type && t.runnable)) await formation.scale(type, count).catch(() => undefined);
    }
    return created;
  }

  /** What was read last: Procfile problems, env files, overrides. */
  get config(): FolderConfig {
    return this.current;
  }

  get procfileUri(): vscode.Uri {
    return this.current.procfileUri;
  }

  /** A label for multi-root trees and pickers. */
  get name(): string {
    return this.folder.name;
  }

  /** Re-reads files and settings; running instances keep running (marked changed), removed types stop. */
  async reload(procfileUri = this.current.procfileUri): Promise<void> {
    this.current = await readFolderConfig(this.folder, procfileUri);
    await this.formation.update(this.current.config);
    this.reloaded.fire();
  }

  dispose(): void {
    this.reloaded.dispose();
    this.formation.dispose();
    this.formation.removeAllListeners();
  }
}
