/**
 * A formation the editor manages: the process types of one Procfile, the desired count of each, and
 * their instances, live. Scaling, reloading a changed Procfile and marking instances whose command,
 * environment or PORT changed all happen here, so the VS Code adapter stays thin. No `vscode`.
 */
import { EventEmitter } from 'node:events';
import type { DebugLaunch } from './debug';
import type { ExitStatus, RestartPolicy } from './exitPolicy';
import { expandFormation, MAX_INSTANCES } from './formation';
import type { Instance, InstanceSnapshot } from './instance';
import type { ProcessType } from './procfile';
import { Supervisor, type SupervisorOptions } from './supervisor';

/** Everything that decides what runs. Rebuilt by the adapter from files and settings. */
export interface FormationConfig {
  /** Working folder of every instance (the Procfile's folder). */
  root: string;
  /** Process types in Procfile order (only runnable ones get instances). */
  types: readonly ProcessType[];
  /** Shared environment: inherited, env files, explicit overrides; PORT/PS are added per instance. */
  env: Record<string, string>;
  basePort: number;
  /** Counts from settings, on top of a default of 1 per type; the key `all` changes that default. */
  counts: ReadonlyMap<string, number>;
  stopTimeouts?: ReadonlyMap<string, number>;
  restart?: RestartPolicy;
  /** Test-only backoff scale (see Instance). */
  timeScale?: number;
  /** How long (ms) the instances of a type that left the Procfile keep running before they stop: an
   * editor that auto-saves while the user types (`webx:` on the way to `web2:`) must not stop them
   * at the first keystroke. Default 0 (at once). */
  removalGraceMs?: number;
}

/** An instance as the editor shows it (`changed`: a restart would apply new files or settings). */
export type ManagedInstanceSnapshot = InstanceSnapshot;

/** Events of a {@link ManagedFormation}; `change` fires on any state, count or config change. */
export interface ManagedFormationEvents {
  change: [];
  output: [name: string, type: string, lines: string[]];
  message: [name: string, text: string];
  exit: [snapshot: InstanceSnapshot, status: ExitStatus, byUser: boolean];
  /** An instance started a new run (a terminal should show it). */
  started: [snapshot: InstanceSnapshot];
  /** An instance's process was spawned (its PID is known). */
  running: [snapshot: InstanceSnapshot];
}

/** The desired count of a type: explicit count, else the `all` count, else 1. Bounded to 0–100. */
export function desiredCount(type: string, counts: ReadonlyMap<string, number>): number {
  const count = counts.get(type) ?? counts.get('all') ?? 1;
  return Math.max(0, Math.min(MAX_INSTANCES, Math.floor(count)));
}

/** Manages the instances of one Procfile. Never throws from process events. */
export class ManagedFormation extends EventEmitter<ManagedFormationEvents> {
  private supervisor: Supervisor;
  /** Live counts per type, starting from the config's; kept for a type that leaves the Procfile, so it
   * comes back at its count. */
  private readonly counts = new Map<string, number>();
  /** Types gone from the Procfile whose instances stop when the grace period ends. */
  private readonly removals = new Map<string, NodeJS.Timeout>();

  constructor(private config: FormationConfig) {
    super();
    this.supervisor = this.createSupervisor();
    for (const type of config.types) this.counts.set(type.name, desiredCount(type.name, config.counts));
    this.syncInstances();
  }

  /** Process types in Procfile order. */
  get types(): readonly ProcessType[] {
    return this.config.types;
  }

  /** The live count of a type (0 for unknown types). */
  count(type: string): number {
    return this.counts.get(type) ?? 0;
  }

  /** Live counts of every type, in Procfile order. */
  countsByType(): Map<string, number> {
    return new Map(this.config.types.map((t) => [t.name, this.count(t.name)]));
  }

  /** Every instance the counts call for (and any still stopping), in Procfile order. */
  snapshot(): ManagedInstanceSnapshot[] {
    const order = new Map(this.config.types.map((t, i) => [t.name, i]));
    return this.supervisor
      .snapshot()
      .sort((a, b) => (order.get(a.type) ?? 1e9) - (order.get(b.type) ?? 1e9) || a.index - b.index);
  }

  /** Starts every instance of every type (per the counts). */
  startAll(): void {
    for (const instance of this.supervisor.instances()) instance.start();
  }

  /** Stops everything; resolves when no process is left. */
  async stopAll(): Promise<void> {
    await this.supervisor.stopAll();
  }

  /** Stops then starts everything. */
  async restartAll(): Promise<void> {
    this.syncInstances();
    await Promise.all(this.supervisor.instances().map((i) => i.restart()));
  }

  /** SIGKILL to everything now (extension host going away without time to wait). */
  killAll(): void {
    this.supervisor.killAll();
  }

  /** Starts one instance (`web.2`) or every instance of a type (`web`). @returns false if unknown. */
  start(target: string): boolean {
    const instances = this.resolve(target);
    for (const instance of instances) instance.start();
    return instances.length > 0;
  }

  /** Stops one instance or a type's instances (SIGTERM, or `signal`, then SIGKILL after the timeout).
   * @returns false if unknown. */
  async stop(target: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<boolean> {
    const instances = this.resolve(target);
    await Promise.all(instances.map((i) => i.stop(signal)));
    return instances.length > 0;
  }

  /** Restarts one instance or a type's instances, applying changed files. @returns false if unknown. */
  async restart(target: string): Promise<boolean> {
    const instances = this.resolve(target);
    this.syncInstances();
    // Each instance starts again unless a stop (Stop All…) came while it was stopping.
    await Promise.all(instances.map((i) => i.restart()));
    return instances.length > 0;
  }

  /**
   * Restarts one instance under a debugger (see Instance.debug); every other instance keeps running
   * undisturbed. Starting the instance does not start the rest of the formation.
   * @returns false when no instance has that name
   */
  async debug(name: string, launch: DebugLaunch): Promise<boolean> {
    const instance = this.supervisor.get(name);
    if (!instance) return false;
    this.syncInstances();
    await instance.debug(launch);
    return true;
  }

  /** Returns a debugged instance to a normal run (restarted without the debugger), unless it was
   * stopped meanwhile. @returns false when no instance has that name */
  async endDebug(name: string): Promise<boolean> {
    const instance = this.supervisor.get(name);
    if (!instance) return false;
    await instance.endDebug();
    return true;
  }

  /** Writes to one instance's stdin. @returns false when it is not running. */
  write(name: string, data: string): boolean {
    return this.supervisor.get(name)?.write(data) ?? false;
  }

  /**
   * Scales a type to `count` instances (0–100), live (Heroku's `ps:scale`: the count is how many
   * run): when anything in the formation is running, every instance of the type is started, new
   * instance numbers with their own PORTs; going down stops the highest-numbered instances
   * gracefully and removes them. When nothing runs, only the count changes.
   *
   * `options.start: false` only adds the instances (debugging starts one itself).
   *
   * @throws RangeError for an unknown or non-runnable type or a count outside 0–100
   */
  async scale(type: string, count: number, options: { start?: boolean } = {}): Promise<void> {
    const known = this.config.types.find((t) => t.name === type);
    if (!known || !known.runnable) throw new RangeError(`unknown process type "${type}"`);
    if (!Number.isInteger(count) || count < 0 || count > MAX_INSTANCES) throw new RangeError(`count must be a whole number from 0 to ${MAX_INSTANCES}`);
    const live = this.isRunning();
    this.counts.set(type, count);
    const surplus = this.supervisor.instances().filter((i) => i.spec.type === type && i.spec.index > count);
    this.emit('change');
    await Promise.all(surplus.map((i) => this.supervisor.remove(i.name)));
    this.syncInstances();
    if (live && options.start !== false) for (const instance of this.resolve(type)) instance.start();
    this.emit('change');
  }

  /**
   * Applies a new config (the Procfile, an env file or a setting changed). Running instances keep
   * running (marked `changed` when their command, env or PORT differ); instances of types that are
   * gone, or no longer runnable, are stopped and removed.
   */
  async update(config: FormationConfig): Promise<void> {
    const previous = this.config;
    this.config = config;
    for (const type of config.types) {
      const settingsChanged = desiredCount(type.name, config.counts) !== desiredCount(type.name, previous.counts);
      if (!this.counts.has(type.name) || settingsChanged) this.counts.set(type.name, desiredCount(type.name, config.counts));
    }
    const runnable = new Set(config.types.filter((t) => t.runnable).map((t) => t.name));
    for (const [type, timer] of this.removals) {
      if (runnable.has(type)) {
        clearTimeout(timer); // back before its grace period ended: it keeps running
        this.removals.delete(type);
      }
    }
    const surplus = this.supervisor.instances().filter((i) => runnable.has(i.spec.type) && i.spec.index > this.count(i.spec.type));
    const leaving = [...new Set(this.supervisor.instances().filter((i) => !runnable.has(i.spec.type)).map((i) => i.spec.type))];
    const grace = config.removalGraceMs ?? 0;
    const now = grace > 0 ? [] : leaving;
    for (const type of leaving.filter((t) => grace > 0 && !this.removals.has(t))) {
      this.removals.set(
        type,
        setTimeout(() => {
          this.removals.delete(type);
          if (!this.config.types.some((t) => t.name === type && t.runnable)) void this.removeType(type).then(() => this.emit('change'));
        }, grace),
      );
    }
    await Promise.all([...surplus.map((i) => this.supervisor.remove(i.name)), ...now.map((type) => this.removeType(type))]);
    this.supervisor.configure(this.supervisorOptions());
    this.syncInstances();
    this.emit('change');
  }

  /** Stops and forgets the instances of a type that left the Procfile. */
  private async removeType(type: string): Promise<void> {
    const instances = this.supervisor.instances().filter((i) => i.spec.type === type);
    for (const instance of instances) {
      if (instance.state !== 'stopped') this.emit('message', instance.name, `${type} is no longer in the Procfile; stopping ${instance.name}`);
    }
    await Promise.all(instances.map((i) => this.supervisor.remove(i.name)));
  }

  /** Cancels pending removals (the formation is going away). */
  dispose(): void {
    for (const timer of this.removals.values()) clearTimeout(timer);
    this.removals.clear();
  }

  /** True when any instance (of `type`, if given) is starting, running or restarting. */
  isRunning(type?: string): boolean {
    return this.supervisor
      .instances()
      .some((i) => (type === undefined || i.spec.type === type) && ['starting', 'running', 'restarting', 'stopping'].includes(i.state));
  }

  /** Adds missing instances for the counts and gives existing ones the current spec for their
   * next run; returns those added. */
  private syncInstances(): Instance[] {
    const added: Instance[] = [];
    for (const spec of expandFormation(this.config.types, this.countsByType(), this.config.basePort)) {
      const result = this.supervisor.upsert(spec);
      if (result.added) added.push(result.instance);
    }
    return added;
  }

  private resolve(target: string) {
    const instance = this.supervisor.get(target);
    if (instance) return [instance];
    return this.supervisor.instances().filter((i) => i.spec.type === target);
  }

  private supervisorOptions(): SupervisorOptions {
    const { root, env, stopTimeouts, restart, timeScale } = this.config;
    return { cwd: root, env, stopTimeouts, restart, timeScale, forceColor: true };
  }

  private createSupervisor(): Supervisor {
    const supervisor = new Supervisor(this.supervisorOptions());
    // `state` also fires when only `debugging` changed: `started`/`running` are for real transitions.
    const lastState = new Map<string, string>();
    supervisor.on('state', (snapshot) => {
      const transition = lastState.get(snapshot.name) !== snapshot.state;
      lastState.set(snapshot.name, snapshot.state);
      if (transition && snapshot.state === 'starting') this.emit('started', snapshot);
      if (transition && snapshot.state === 'running') this.emit('running', snapshot);
      this.emit('change');
    });
    supervisor.on('output', (name, lines) => this.emit('output', name, name.replace(/\.\d+$/, ''), lines));
    supervisor.on('message', (name, text) => this.emit('message', name, text));
    supervisor.on('exit', (snapshot, status, byUser) => this.emit('exit', snapshot, status, byUser));
    return supervisor;
  }
}
