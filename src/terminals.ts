/**
 * A pseudoterminal per instance (`web.1`): created when the instance starts (without taking focus),
 * keeps its history across restarts with a separator, shows `[exited with code 3]` and stays open
 * until the user closes it, which stops that instance. Typed input goes to the instance's stdin with
 * local echo and simple line editing (processes have pipes, not a TTY); Ctrl+C stops the instance
 * with SIGINT.
 */
import * as vscode from 'vscode';
import type { ManagedFormation } from './core/managedFormation';
import type { FolderFormation } from './folderFormation';
import type { Formations } from './formations';

/** Most text kept for a terminal that is not open yet, in characters. */
const MAX_BUFFERED_CHARS = 1_000_000;
/** Output is written to the terminal at most this often, ms (so 100,000 lines/s stay cheap). */
const FLUSH_MS = 16;
const TYPE_COLORS = ['terminal.ansiCyan', 'terminal.ansiYellow', 'terminal.ansiGreen', 'terminal.ansiMagenta', 'terminal.ansiRed', 'terminal.ansiBlue'];

/** The Pseudoterminal of one instance. */
export class InstanceTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private opened = false;
  private pending = '';
  private timer: NodeJS.Timeout | undefined;
  private line = '';
  /** Set when the extension itself closes the terminal (scaling down), so it is not a user stop. */
  closingBySelf = false;

  constructor(
    readonly name: string,
    private readonly formation: ManagedFormation,
  ) {}

  open(): void {
    this.opened = true;
    this.flush();
  }

  close(): void {
    if (!this.closingBySelf) void this.formation.stop(this.name);
    this.dispose();
  }

  handleInput(data: string): void {
    // Escape sequences (arrows, Home, F-keys, Alt+key) have no meaning on a pipe: drop them whole.
    const keys = data.replace(/\x1b(?:\[[0-?]*[ -/]*[@-~]|O.|.)?/gs, '');
    for (const char of keys) {
      if (char === '\u0003') {
        this.write('^C\r\n');
        this.line = '';
        void this.formation.stop(this.name, 'SIGINT');
      } else if (char === '\r') {
        const line = this.line;
        this.line = '';
        this.write('\r\n');
        if (!this.formation.write(this.name, line + '\n')) this.note(vscode.l10n.t('[{0} is not running; input dropped]', this.name));
      } else if (char === '\u007f' || char === '\b') {
        if (this.line.length > 0) {
          this.line = this.line.slice(0, -1);
          this.write('\b \b');
        }
      } else if (char >= ' ' || char === '\t') {
        this.line += char;
        this.write(char);
      }
    }
  }

  /** Appends output lines (batched). A half-typed input line is cleared first and typed again
   * after, so output never lands in the middle of it. */
  lines(lines: readonly string[]): void {
    this.writeAbove(lines.map((l) => l.replace(/\r?\n/g, '\r\n')).join('\r\n'));
  }

  /** A dimmed manager note such as `[exited with code 3]` or a restart separator. */
  note(text: string): void {
    this.writeAbove(`\x1b[2m${text}\x1b[0m`);
  }

  /** How many runs this terminal has shown (a separator goes before every run but the first). */
  runs = 0;

  private writeAbove(text: string): void {
    this.write(this.line === '' ? `${text}\r\n` : `\r\x1b[K${text}\r\n${this.line}`);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.writeEmitter.dispose();
    this.closeEmitter.dispose();
  }

  private write(text: string): void {
    this.pending += text;
    if (!this.opened && this.pending.length > MAX_BUFFERED_CHARS) this.pending = this.pending.slice(-MAX_BUFFERED_CHARS);
    if (this.opened && this.timer === undefined) this.timer = setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    this.timer = undefined;
    if (!this.opened || this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.writeEmitter.fire(text);
  }
}

/** Creates and feeds the terminals of every formation. */
export class InstanceTerminals implements vscode.Disposable {
  private readonly terminals = new Map<string, { pty: InstanceTerminal; terminal: vscode.Terminal }>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(formations: Formations) {
    for (const folder of formations.all()) this.watch(folder);
    this.disposables.push(
      formations.onDidAddFormation((folder) => this.watch(folder)),
      vscode.window.onDidCloseTerminal((terminal) => {
        for (const [key, entry] of this.terminals) if (entry.terminal === terminal) this.terminals.delete(key);
      }),
    );
  }

  /** The terminal of an instance, if it ever started. */
  get(folder: FolderFormation, name: string): vscode.Terminal | undefined {
    return this.terminals.get(key(folder, name))?.terminal;
  }

  dispose(): void {
    for (const { pty, terminal } of this.terminals.values()) {
      pty.closingBySelf = true;
      terminal.dispose();
    }
    this.terminals.clear();
    for (const disposable of this.disposables) disposable.dispose();
  }

  private watch(folder: FolderFormation): void {
    const formation = folder.formation;
    formation.on('started', (snapshot) => {
      if (!this.terminals.has(key(folder, snapshot.name))) this.create(folder, snapshot.name, snapshot.type);
    });
    formation.on('running', (snapshot) => {
      const pty = this.terminals.get(key(folder, snapshot.name))?.pty;
      if (pty && pty.runs++ > 0) pty.note(vscode.l10n.t('──── {0} started again (pid {1}) ────', new Date().toLocaleTimeString(), snapshot.pid ?? '?'));
    });
    formation.on('output', (name, _type, lines) => this.terminals.get(key(folder, name))?.pty.lines(lines));
    formation.on('exit', (snapshot, status) => {
      const note = status.signal !== undefined ? vscode.l10n.t('[terminated by {0}]', status.signal) : vscode.l10n.t('[exited with code {0}]', status.code ?? '?');
      this.terminals.get(key(folder, snapshot.name))?.pty.note(note);
    });
    formation.on('change', () => {
      // Instances removed by scaling down lose their terminal; that is not a user stop.
      const live = new Set(formation.snapshot().map((s) => key(folder, s.name)));
      for (const [name, entry] of this.terminals) {
        if (name.startsWith(`${folder.folder.uri}#`) && !live.has(name)) {
          entry.pty.closingBySelf = true;
          entry.terminal.dispose();
          this.terminals.delete(name);
        }
      }
    });
  }

  private create(folder: FolderFormation, name: string, type: string): void {
    const pty = new InstanceTerminal(name, folder.formation);
    const index = folder.config.procfile.types.findIndex((t) => t.name === type);
    const terminal = vscode.window.createTerminal({
      name,
      pty,
      iconPath: new vscode.ThemeIcon('server-process'),
      color: new vscode.ThemeColor(TYPE_COLORS[Math.max(0, index) % TYPE_COLORS.length]),
      isTransient: true,
    });
    this.terminals.set(key(folder, name), { pty, terminal });
  }
}

function key(folder: FolderFormation, name: string): string {
  return `${folder.folder.uri}#${name}`;
}
