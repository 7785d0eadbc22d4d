/**
 * One running instance (`web.1`): spawns its command, frames its output, answers its exit, stops its
 * whole process group. The state machine behind every view of an instance (CLI, tree, terminal).
 */
import { decideAfterExit, describeExit, type ExitStatus, MAX_RESTARTS, type RestartPolicy } from './exitPolicy';
import type { DebugLaunch } from './debug';
import type { InstanceSpec } from './formation';
import { LineSplitter } from './lineSplitter';
import { spawnShell } from './shellCommand';
import { groupMembers, signalGroup, waitForGroupEmpty } from './processGroup';

/**
 * The one set of instance states, used everywhere:
 * `stopped` (not running, or stopped by the user), `starting` (spawn requested), `running` (spawned,
 * PID known), `stopping` (SIGTERM sent), `exited` (ended with code 0: completed), `crashed` (non-zero
 * code or a signal), `restarting` (a restart after backoff is pending).
 */
export type InstanceState = 'stopped' | 'starting' | 'running' | 'stopping' | 'exited' | 'crashed' | 'restarting';

/** A copy of an instance's state at one moment. Times are ms since the epoch. */
export interface InstanceSnapshot {
  name: string;
  type: string;
  index: number;
  port: number;
  command: string;
  state: InstanceState;
  pid: number | undefined;
  exitCode: number | undefined;
  signal: string | undefined;
  /** Automatic restarts since the last start the user asked for. */
  restarts: number;
  /** True when restarting stopped (too many crashes in a row, or the command cannot run). */
  gaveUp: boolean;
  startedAt: number | undefined;
  /** When a pending restart happens (state `restarting`). */
  restartAt: number | undefined;
  /** How the previous run ended (kept while the next one runs), for tooltips and logs. */
  lastExit: ExitStatus | undefined;
  /** The command, environment or PORT for the next run differ from the running one's (files or
   * settings changed while it ran); a restart applies them. */
  changed: boolean;
  /** Runs under a debugger (see {@link Instance.debug}); kept across automatic restarts until the
   * debug session ends or the user stops the instance. */
  debugging: boolean;
}

/** Receives what an instance does. `message` is a manager message about it (`started with pid 12`). */
export interface InstanceObserver {
  state(instance: Instance): void;
  output(instance: Instance, lines: string[], partial: boolean): void;
  message(instance: Instance, text: string): void;
  /** The process ended; `byUser` when a stop was asked for. Called before any restart is planned. */
  exit(instance: Instance, status: ExitStatus, byUser: boolean): void;
}

/** How an instance runs. */
export interface InstanceOptions {
  /** Working directory (the formation's root). */
  cwd: string;
  /** The complete environment of the process, `PORT` and `PS` included. */
  env: Record<string, string>;
  /** Grace period between SIGTERM and SIGKILL, ms. */
  stopTimeoutMs: number;
  restart: RestartPolicy;
  /** Test-only: multiplies backoff delays and the healthy-run period (1 = real time). */
  timeScale?: number;
  /** ms before a line without a newline is shown; see LineSplitter. */
  partialDelayMs?: number;
  /** The POSIX shell that runs the command; default `/bin/sh`. */
  shell?: string;
}

/** After the group is empty, how long (ms) to wait for the pipes to close before closing them. */
const DRAIN_MS = 500;
/** After SIGKILL, how long (ms) to wait for the group to disappear. */
const KILL_WAIT_MS = 2000;

/** True when two run configurations would start a different process (command, PORT or environment). */
function differs(a: { spec: InstanceSpec; options: InstanceOptions }, b: { spec: InstanceSpec; options: InstanceOptions }): boolean {
  if (a.spec.command !== b.spec.command || a.spec.port !== b.spec.port || a.options.cwd !== b.options.cwd) return true;
  const keys = Object.keys(a.options.env);
  return keys.length !== Object.keys(b.options.env).length || keys.some((key) => a.options.env[key] !== b.options.env[key]);
}

interface Run {
  child: ReturnType<typeof spawnShell>;
  splitter: LineSplitter;
  pgid: number;
  startedAt: number;
  /** When SIGKILL is due for a stop the user asked for. */
  killAt: number | undefined;
  killTimer: NodeJS.Timeout | undefined;
  killed: boolean;
  finished: Promise<void>;
}

/** One instance of a process type; create through the Supervisor. */
export class Instance {
  private stateValue: InstanceState = 'stopped';
  private run: Run | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private streak = 0;
  private stopRequested = false;
  private outputPaused = false;
  /** How runs start while the instance is debugged. */
  private debugLaunch: DebugLaunch | undefined;
  /** Bumped by every stop, restart and debug the caller asks for: a restart (or a return to a normal
   * run) whose stop phase saw a newer request does not start the process again. */
  private intent = 0;
  private last: { pid: number | undefined; status: ExitStatus; lastExit: ExitStatus | undefined; startedAt: number | undefined; restartAt: number | undefined; restarts: number; gaveUp: boolean } = {
    pid: undefined,
    lastExit: undefined,
    status: { code: undefined, signal: undefined },
    startedAt: undefined,
    restartAt: undefined,
    restarts: 0,
    gaveUp: false,
  };

  /** Spec and options for the next run, when they changed during this one. */
  private pending: { spec: InstanceSpec; options: InstanceOptions } | undefined;

  constructor(
    private specValue: InstanceSpec,
    private options: InstanceOptions,
    private readonly observer: InstanceObserver,
  ) {}

  /** What this instance runs (the current run's, until a new run applies a reconfiguration). */
  get spec(): InstanceSpec {
    return this.specValue;
  }

  get name(): string {
    return this.spec.name;
  }

  get state(): InstanceState {
    return this.stateValue;
  }

  /** The current state as plain data. */
  snapshot(): InstanceSnapshot {
    return {
      name: this.spec.name,
      type: this.spec.type,
      index: this.spec.index,
      port: this.spec.port,
      command: this.spec.command,
      state: this.stateValue,
      pid: this.last.pid,
      exitCode: this.last.status.code,
      signal: this.last.status.signal,
      restarts: this.last.restarts,
      gaveUp: this.last.gaveUp,
      startedAt: this.last.startedAt,
      restartAt: this.last.restartAt,
      lastExit: this.last.lastExit,
      changed: this.pending !== undefined && differs(this.pending, { spec: this.specValue, options: this.options }),
      debugging: this.debugLaunch !== undefined,
    };
  }

  /** Replaces what later runs start (a changed command, env or PORT); a running process is not
   * affected until it starts again. */
  reconfigure(spec: InstanceSpec, options: InstanceOptions): void {
    if (this.run === undefined && this.restartTimer === undefined) {
      this.specValue = spec;
      this.options = options;
      this.pending = undefined;
    } else {
      this.pending = { spec, options };
    }
  }

  /** Starts the instance if it is not running; a start the user asks for clears `gaveUp` and the restart count. */
  start(): void {
    if (this.run !== undefined) return;
    this.cancelRestart();
    this.streak = 0;
    this.last.restarts = 0;
    this.last.gaveUp = false;
    this.spawn();
  }

  /**
   * Stops the instance: `signal` (SIGTERM; SIGINT for a Ctrl+C) to its process group, SIGKILL to the
   * group after the stop timeout. Ends in `stopped`, never restarted. Resolves when no process of
   * the group is left.
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    this.intent++;
    if (this.debugLaunch !== undefined) {
      // A stop ends debugging: nothing returns the instance to a normal run afterwards.
      this.debugLaunch = undefined;
      this.observer.state(this);
    }
    await this.halt(signal);
  }

  /** {@link stop} without recording a new intent (the first half of restart, debug, endDebug). */
  private async halt(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    this.cancelRestart();
    const run = this.run;
    if (run === undefined) {
      if (this.stateValue === 'restarting') this.setState('stopped');
      return;
    }
    if (!this.stopRequested) {
      this.stopRequested = true;
      this.setState('stopping');
      run.killAt = Date.now() + this.options.stopTimeoutMs;
      signalGroup(run.pgid, signal);
      run.killTimer = setTimeout(() => this.forceKill(run), this.options.stopTimeoutMs);
    }
    await run.finished;
  }

  /** Stops (if running) and starts again — unless a stop (e.g. Stop All) was asked for meanwhile. A
   * debugged instance starts again under the debugger. */
  async restart(): Promise<void> {
    const intent = ++this.intent;
    await this.halt();
    if (this.intent === intent) this.start();
  }

  /**
   * Restarts this instance under a debugger: stops the current run (if any) and starts again with
   * `launch` applied to its command and environment, at this and every automatic restart, until
   * {@link endDebug} or a stop. Name, PORT and the rest of the environment stay the same; the
   * supervisor keeps owning the process and its output.
   */
  async debug(launch: DebugLaunch): Promise<void> {
    const intent = ++this.intent;
    await this.halt();
    if (this.intent !== intent) return;
    this.debugLaunch = launch;
    this.start();
  }

  /**
   * Ends debugging: when the instance is running (or about to restart), it restarts without the
   * debug launch; when it was stopped meanwhile, it stays stopped. No-op when not debugging.
   */
  async endDebug(): Promise<void> {
    if (this.debugLaunch === undefined) return;
    const live = this.run !== undefined || this.restartTimer !== undefined;
    if (!live) {
      this.debugLaunch = undefined;
      this.observer.state(this);
      return;
    }
    this.debugLaunch = undefined;
    this.observer.state(this);
    const intent = ++this.intent;
    await this.halt();
    if (this.intent === intent) this.start();
  }

  /** Sends SIGKILL to the group at once (a second Ctrl-C, or the manager exiting). */
  kill(): void {
    this.cancelRestart();
    if (this.run !== undefined) {
      this.stopRequested = true;
      signalGroup(this.run.pgid, 'SIGKILL');
    }
  }

  /** Forwards a signal (e.g. SIGUSR1) to the instance's process group. */
  signal(signal: NodeJS.Signals): void {
    if (this.run !== undefined) signalGroup(this.run.pgid, signal);
  }

  /**
   * Stops reading the process's output (backpressure: once the pipe is full, the process blocks on
   * its next write) until {@link resumeOutput}. Used when the output's reader is slower than the
   * process, so memory stays bounded.
   */
  pauseOutput(): void {
    this.outputPaused = true;
    this.run?.splitter.hold(true);
    this.run?.child.stdout?.pause();
    this.run?.child.stderr?.pause();
  }

  /** Resumes reading output after {@link pauseOutput}. */
  resumeOutput(): void {
    this.outputPaused = false;
    this.run?.splitter.hold(false);
    this.run?.child.stdout?.resume();
    this.run?.child.stderr?.resume();
  }

  /** Writes to the instance's stdin (its own pipe, open until it stops). Returns false when not running. */
  write(data: string | Uint8Array): boolean {
    const stdin = this.run?.child.stdin;
    if (!stdin || stdin.destroyed) return false;
    stdin.write(data);
    return true;
  }

  private spawn(): void {
    if (this.pending) {
      this.specValue = this.pending.spec;
      this.options = this.pending.options;
      this.pending = undefined;
    }
    this.stopRequested = false;
    this.last.status = { code: undefined, signal: undefined };
    this.last.restartAt = undefined;
    this.last.pid = undefined;
    this.setState('starting');
    const splitter = new LineSplitter((lines, partial) => this.observer.output(this, lines, partial), {
      partialDelayMs: this.options.partialDelayMs,
    });
    const launched = this.debugLaunch ? this.debugLaunch({ command: this.spec.command, env: this.options.env }) : { command: this.spec.command, env: this.options.env };
    const child = spawnShell(this.options.shell ?? '/bin/sh', launched.command, this.options.cwd, launched.env);
    const startedAt = Date.now();
    let exitSeen = false;
    let finish!: () => void;
    const run: Run = {
      child,
      splitter,
      pgid: child.pid ?? -1,
      startedAt,
      killAt: undefined,
      killTimer: undefined,
      killed: false,
      finished: new Promise((resolve) => (finish = resolve)),
    };
    this.run = run;
    this.last.pid = child.pid;
    this.last.startedAt = startedAt;
    child.stdin?.on('error', () => {}); // EPIPE after the process closed its stdin
    child.stdout?.on('data', (chunk: Buffer) => splitter.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => splitter.push(chunk));
    if (this.outputPaused) this.pauseOutput();
    child.once('spawn', () => {
      if (this.run === run && this.stateValue === 'starting') this.setState('running');
      this.observer.message(this, `started with pid ${child.pid}`);
    });
    child.once('exit', (code, signal) => {
      exitSeen = true;
      void this.afterLeaderExit(run, splitter, { code: code ?? undefined, signal: signal ?? undefined }).then(finish);
    });
    void child.then((result) => {
      if (exitSeen) return;
      // The process never ran (the working folder is missing, the command is too long…).
      splitter.end();
      const reason = (result.originalMessage || result.shortMessage || 'spawn failed').split('\n')[0].slice(0, 200);
      this.observer.message(this, `cannot start: ${reason}${/E2BIG/.test(reason) ? ' (the command is too long)' : ''}`);
      this.finishRun(run, { code: undefined, signal: undefined }, startedAt, true);
      finish();
    });
  }

  /** The leader exited: clear the rest of its group, drain its output, then decide what follows. */
  private async afterLeaderExit(run: Run, splitter: LineSplitter, status: ExitStatus): Promise<void> {
    if (groupMembers(run.pgid).length > 0) {
      if (!this.stopRequested) {
        signalGroup(run.pgid, 'SIGTERM');
        run.killAt = Date.now() + this.options.stopTimeoutMs;
      }
      const emptied = await waitForGroupEmpty(run.pgid, Math.max(0, (run.killAt ?? Date.now()) - Date.now()));
      if (!emptied) {
        this.forceKill(run);
        await waitForGroupEmpty(run.pgid, KILL_WAIT_MS);
      }
    }
    // What is left in the pipe is bounded now that the group is gone: read it even if paused.
    splitter.hold(false);
    run.child.stdout?.resume();
    run.child.stderr?.resume();
    let drained = false;
    await Promise.race([run.child.then(() => (drained = true)), new Promise((resolve) => setTimeout(resolve, DRAIN_MS))]);
    if (!drained) {
      // A process that left the group (setsid) still holds the pipe: stop reading, keep what arrived.
      run.child.stdout?.destroy();
      run.child.stderr?.destroy();
    }
    splitter.end();
    this.finishRun(run, status, run.startedAt);
  }

  private forceKill(run: Run): void {
    if (run.killed || this.run !== run) return;
    run.killed = true;
    const seconds = Math.round(this.options.stopTimeoutMs / 100) / 10;
    this.observer.message(this, `did not stop within ${seconds}s, sending SIGKILL`);
    signalGroup(run.pgid, 'SIGKILL');
  }

  /** Records how a run ended and decides what follows. `neverRan`: the spawn itself failed, which
   * no restart can fix. */
  private finishRun(run: Run, status: ExitStatus, startedAt: number, neverRan = false): void {
    if (run.killTimer !== undefined) clearTimeout(run.killTimer);
    run.child.stdin?.destroy();
    this.run = undefined;
    this.last.status = status;
    this.last.lastExit = neverRan ? undefined : status;
    if (!neverRan) this.observer.message(this, describeExit(status));
    this.observer.exit(this, status, this.stopRequested);
    if (this.stopRequested) {
      this.setState('stopped');
      return;
    }
    if (neverRan) {
      this.last.gaveUp = true;
      this.setState('crashed');
      return;
    }
    const scale = this.options.timeScale ?? 1;
    const decision = decideAfterExit(status, this.options.restart, this.streak, (Date.now() - startedAt) / scale);
    this.streak = decision.streak;
    switch (decision.action) {
      case 'complete':
        this.setState('exited');
        return;
      case 'give-up':
        this.last.gaveUp = decision.reason !== 'policy';
        if (decision.reason === 'cannot-run') this.observer.message(this, 'the command cannot run; not restarting');
        if (decision.reason === 'too-many-restarts') this.observer.message(this, `gave up after ${MAX_RESTARTS} restarts in a row`);
        this.setState(status.code === 0 && status.signal === undefined ? 'exited' : 'crashed');
        return;
      case 'restart': {
        const delayMs = decision.delayMs * scale;
        this.last.restartAt = Date.now() + delayMs;
        this.observer.message(this, `restarting in ${decision.delayMs / 1000}s (restart ${decision.streak} of ${MAX_RESTARTS})`);
        this.setState('restarting');
        this.restartTimer = setTimeout(() => {
          this.restartTimer = undefined;
          this.last.restarts++;
          this.spawn();
        }, delayMs);
      }
    }
  }

  private cancelRestart(): void {
    if (this.restartTimer !== undefined) {
      clearTimeout(this.restartTimer);
      this.restartTimer = undefined;
      this.last.restartAt = undefined;
    }
  }

  private setState(state: InstanceState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.observer.state(this);
  }
}
