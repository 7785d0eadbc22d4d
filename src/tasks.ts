/**
 * The `procfile` task type: each process type that can run is a task ("Procfile: web"), so it can be
 * run from "Run Task", bound to keys, and used as a `preLaunchTask`. A task starts its type through
 * the same supervisor as the tree (visible there, same terminals and channels). It is a background
 * task: the `$procfile` problem matcher's "end" is the line `Procfile: web running (2/2)` once every
 * instance runs — or a line saying it could not, so a `preLaunchTask` never waits forever. Closing
 * the task's terminal (or terminating the task) stops that type.
 */
import * as vscode from 'vscode';
import { checkEnvFiles } from './commands/lifecycle';
import { TASK_TYPE } from './constants';
import type { FolderFormation } from './folderFormation';
import type { Formations } from './formations';

/** `tasks.json`: `{ "type": "procfile", "process": "web" }` (plus `folder` in multi-root workspaces). */
export interface ProcfileTaskDefinition extends vscode.TaskDefinition {
  type: typeof TASK_TYPE;
  /** A process type of the Procfile. */
  process: string;
  /** The workspace folder's name, when several have a Procfile. */
  folder?: string;
}

// The task terminal's protocol lines (`Procfile: starting web`, `Procfile: web running (2/2)`,
// `Procfile: web stopped|crashed|cannot start: …`) stay English, unlike the rest of the UI: the
// `$procfile` problem matcher in package.json matches them with regular expressions, so a translated
// line would leave a background task (and a preLaunchTask waiting on it) never "ended".

/** The line the `$procfile` matcher's background "begins" on. */
export const TASK_BEGINS = 'Procfile: starting';
/** Lines the matcher's background "ends" on: all running, or stopped/crashed/refused. */
export const TASK_ENDS = /^Procfile: \S+ (running|stopped|crashed|cannot start)/;

/** The pseudoterminal of one task run: starts the type, relays its output, reports when it runs. */
class TypeTaskTerminal implements vscode.Pseudoterminal {
  private readonly writer = new vscode.EventEmitter<string>();
  readonly onDidWrite = this.writer.event;
  private readonly closer = new vscode.EventEmitter<number>();
  readonly onDidClose = this.closer.event;
  private readonly cleanups: (() => void)[] = [];
  private reportedRunning = false;
  private closed = false;
  private started = false;

  constructor(private readonly formations: Formations, private readonly folder: FolderFormation, private readonly type: string) {}

  open(): void {
    void this.run();
  }

  /** The user closed the terminal or terminated the task: stop the type. */
  close(): void {
    const live = !this.closed;
    this.finish();
    if (live && this.started) void this.folder.formation.stop(this.type);
  }

  private async run(): Promise<void> {
    const formation = this.folder.formation;
    const type = this.type;
    this.line(`${TASK_BEGINS} ${type}`);
    if (!this.formations.canRun) return this.refuse('this workspace is not trusted, so its Procfile is not run');
    if (!formation.types.some((t) => t.name === type && t.runnable)) return this.refuse(`the Procfile has no process type "${type}" that can run`);
    if (!checkEnvFiles(this.folder)) return this.refuse('an env file has errors (see the Problems panel)');
    const onOutput = (name: string, outputType: string, lines: string[]) => {
      if (outputType === type) for (const line of lines) this.line(`${name} | ${line}`);
    };
    const onChange = () => this.report();
    formation.on('output', onOutput);
    formation.on('change', onChange);
    this.cleanups.push(() => formation.off('output', onOutput), () => formation.off('change', onChange));
    if (formation.count(type) === 0) await formation.scale(type, 1);
    this.started = true;
    formation.start(type);
    this.report();
  }

  /** Says when every instance runs (the matcher's end), and ends the task when the type is down. */
  private report(): void {
    if (this.closed) return;
    const instances = this.folder.formation.snapshot().filter((i) => i.type === this.type);
    const running = instances.filter((i) => i.state === 'running').length;
    if (!this.reportedRunning && instances.length > 0 && running === instances.length) {
      this.reportedRunning = true;
      this.line(`Procfile: ${this.type} running (${running}/${instances.length})`);
      return;
    }
    const settled = instances.every((i) => ['stopped', 'exited', 'crashed'].includes(i.state));
    if (this.started && settled) {
      const crashed = instances.some((i) => i.state === 'crashed');
      this.line(`Procfile: ${this.type} ${crashed ? 'crashed' : 'stopped'}`);
      this.finish(crashed ? 1 : 0);
    }
  }

  private refuse(reason: string): void {
    this.line(`Procfile: ${this.type} cannot start: ${reason}`);
    this.finish(1);
  }

  private line(text: string): void {
    if (!this.closed) this.writer.fire(`${text.replace(/\r?\n/g, '\r\n')}\r\n`);
  }

  private finish(code?: number): void {
    if (this.closed) return;
    this.closed = true;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    if (code !== undefined) this.closer.fire(code);
  }
}

/** Provides one task per process type that can run (even when other lines of the Procfile have problems). */
export class ProcfileTaskProvider implements vscode.TaskProvider {
  constructor(private readonly formations: Formations) {}

  provideTasks(): vscode.Task[] {
    const multiRoot = this.formations.all().length > 1;
    return this.formations.all().flatMap((folder) =>
      folder.formation.types.filter((t) => t.runnable).map((t) => this.task(folder, { type: TASK_TYPE, process: t.name, ...(multiRoot ? { folder: folder.name } : {}) })),
    );
  }

  resolveTask(task: vscode.Task): vscode.Task | undefined {
    const definition = task.definition as ProcfileTaskDefinition;
    if (typeof definition.process !== 'string') return undefined;
    const scope = task.scope !== undefined && typeof task.scope === 'object' ? task.scope.name : undefined;
    const folder = this.formations.find(definition.folder ?? scope);
    return folder ? this.task(folder, definition) : undefined;
  }

  private task(folder: FolderFormation, definition: ProcfileTaskDefinition): vscode.Task {
    const task = new vscode.Task(
      definition,
      folder.folder,
      definition.process,
      'Procfile',
      new vscode.CustomExecution(async () => new TypeTaskTerminal(this.formations, folder, definition.process)),
      '$procfile',
    );
    task.isBackground = true;
    task.presentationOptions = { reveal: vscode.TaskRevealKind.Silent, panel: vscode.TaskPanelKind.Dedicated, clear: true };
    return task;
  }
}

/** Registers the task provider. */
export function registerTasks(context: vscode.ExtensionContext, formations: Formations): void {
  context.subscriptions.push(vscode.tasks.registerTaskProvider(TASK_TYPE, new ProcfileTaskProvider(formations)));
}
