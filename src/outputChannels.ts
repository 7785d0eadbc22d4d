/**
 * Output channels: one per process type (`Procfile: web`) with lines prefixed `web.1 | ` and ANSI
 * escapes stripped, and one `Procfile` log channel for manager events (started, exited, restarting,
 * gave up, problems). A crash shows a notification with "Show Output" and "Restart".
 */
import * as vscode from 'vscode';
import { Commands } from './constants';
import type { FolderFormation } from './folderFormation';
import type { Formations } from './formations';

// CSI and OSC sequences, and other escapes: what terminals interpret and channels would show raw.
const ANSI = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[@-Z\\-_])/g;

/** Removes ANSI escape sequences. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** The channels of every formation. */
export class OutputChannels implements vscode.Disposable {
  readonly log = vscode.window.createOutputChannel('Procfile', { log: true });
  private readonly channels = new Map<string, vscode.OutputChannel>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly formations: Formations) {
    for (const folder of formations.all()) this.watch(folder);
    this.disposables.push(formations.onDidAddFormation((folder) => this.watch(folder)));
  }

  /** The channel of a type, created on first use. */
  channel(folder: FolderFormation, type: string): vscode.OutputChannel {
    const multiRoot = this.formations.all().length > 1;
    const name = multiRoot ? `Procfile: ${type} (${folder.name})` : `Procfile: ${type}`;
    let channel = this.channels.get(name);
    if (!channel) {
      channel = vscode.window.createOutputChannel(name);
      this.channels.set(name, channel);
    }
    return channel;
  }

  /** Registers "Procfile: Show Log" (the manager's log channel). */
  registerShowLog(context: vscode.ExtensionContext): void {
    context.subscriptions.push(vscode.commands.registerCommand(Commands.showLog, () => this.log.show(true)));
  }

  dispose(): void {
    for (const channel of this.channels.values()) channel.dispose();
    this.log.dispose();
    for (const disposable of this.disposables) disposable.dispose();
  }

  private watch(folder: FolderFormation): void {
    const formation = folder.formation;
    formation.on('output', (name, type, lines) => {
      // Read from the folder's config (re-read when settings change), not per batch of output.
      const prefix = folder.config.outputTimestamps ? `${new Date().toTimeString().slice(0, 8)} ${name} | ` : `${name} | `;
      this.channel(folder, type).append(lines.map((line) => prefix + stripAnsi(line)).join('\n') + '\n');
    });
    formation.on('message', (name, text) => {
      if (/^(gave up|the command cannot run|cannot start)/.test(text)) this.log.error(`${name}: ${text}`);
      else if (/^(terminated by|exited with code [1-9]|did not stop)/.test(text)) this.log.warn(`${name}: ${text}`);
      else this.log.info(`${name}: ${text}`);
      if (text.startsWith('gave up') || text.startsWith('the command cannot run') || text.startsWith('cannot start')) {
        void this.notifyCrash(folder, name, vscode.l10n.t('Procfile: {0} {1}.', name, text));
      }
    });
    formation.on('exit', (snapshot, status, byUser) => {
      const failed = status.signal !== undefined || status.code !== 0;
      if (!byUser && failed && snapshot.restarts === 0) {
        const message =
          status.signal !== undefined
            ? vscode.l10n.t('Procfile: {0} was killed by {1}.', snapshot.name, status.signal)
            : vscode.l10n.t('Procfile: {0} crashed with code {1}.', snapshot.name, status.code ?? '?');
        void this.notifyCrash(folder, snapshot.name, message);
      }
    });
    folder.onDidReload(() => this.logProblems(folder));
    this.logProblems(folder);
  }

  private logProblems(folder: FolderFormation): void {
    const file = vscode.workspace.asRelativePath(folder.procfileUri);
    for (const problem of folder.config.procfile.problems) {
      const line = `${file}:${problem.line}:${problem.column}: ${problem.message} [${problem.code}]`;
      if (problem.severity === 'error') this.log.error(line);
      else if (problem.severity === 'warning') this.log.warn(line);
      else this.log.info(line);
    }
    for (const envFile of folder.config.envFiles) {
      for (const problem of envFile.problems) {
        const line = `${vscode.workspace.asRelativePath(envFile.path)}:${problem.line}:${problem.column}: ${problem.message} [${problem.code}]`;
        if (problem.severity === 'error') this.log.error(line);
        else this.log.warn(line);
      }
    }
  }

  /** Shows `message` (already localized) with "Show Output" and "Restart". */
  private async notifyCrash(folder: FolderFormation, name: string, message: string): Promise<void> {
    const type = name.replace(/\.\d+$/, '');
    const showOutput = vscode.l10n.t('Show Output');
    const restart = vscode.l10n.t('Restart');
    const choice = await vscode.window.showWarningMessage(message, showOutput, restart);
    if (choice === showOutput) this.channel(folder, type).show(true);
    if (choice === restart) await vscode.commands.executeCommand(Commands.restart, { process: name, folder: folder.folder.uri.toString() });
  }
}
