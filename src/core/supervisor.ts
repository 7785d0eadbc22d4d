/**
 * The supervisor: owns every instance of a formation, relays their output and state, stops them all.
 * The CLI and the VS Code extension are two views of one Supervisor.
 */
import { EventEmitter } from 'node:events';
import type { ExitStatus, RestartPolicy } from './exitPolicy';
import type { InstanceSpec } from './formation';
import { Instance, type InstanceObserver, type InstanceOptions, type InstanceSnapshot } from './instance';

/** Default grace period between SIGTERM and SIGKILL, in seconds (Foreman's). */
export const DEFAULT_STOP_TIMEOUT_S = 5;

/** How a supervisor runs its instances. */
export interface SupervisorOptions {
  /** Working directory of every instance (the formation's root). */
  cwd: string;
  /** The environment shared by all instances (inherited + env files); PORT and PS are added per instance. */
  env: Record<string, string>;
  /** Stop timeout per type in seconds; key `all` is the default (else 5 s). */
  stopTimeouts?: ReadonlyMap<string, number>;
  restart?: RestartPolicy;
  /** Children get `FORCE_COLOR=1` unless they set it or `NO_COLOR` (output is shown in colour). */
  forceColor?: boolean;
  /** Test-only time scale for backoff delays (see Instance). */
  timeScale?: number;
  partialDelayMs?: number;
}

/** Events of a {@link Supervisor}. */
export interface SupervisorEvents {
  state: [snapshot: InstanceSnapshot];
  output: [name: string, lines: string[], partial: boolean];
  message: [name: string, text: string];
  exit: [snapshot: InstanceSnapshot, status: ExitStatus, byUser: boolean];
}

/**
 * The environment of one instance: the shared environment, then `PORT` and `PS` (always assigned,
 * whatever the env files say), `PYTHONUNBUFFERED=1` unless set (Python block-buffers a pipe, case 37),
 * `FORCE_COLOR=1` when colour is shown unless `FORCE_COLOR` or `NO_COLOR` is set (NO_COLOR wins).
 */
export function instanceEnvironment(shared: Record<string, string>, spec: InstanceSpec, forceColor: boolean): Record<string, string> {
  const env: Record<string, string> = { ...shared, PORT: String(spec.port), PS: spec.name };
  if (env.PYTHONUNBUFFERED === undefined) env.PYTHONUNBUFFERED = '1';
  if (forceColor && env.FORCE_COLOR === undefined && env.NO_COLOR === undefined) env.FORCE_COLOR = '1';
  return env;
}

/** Owns instances by name (`web.1`). Never throws from a process event. */
export class Supervisor extends EventEmitter<SupervisorEvents> {
  private readonly byName = new Map<string, Instance>();
  private outputPaused = false;
  private readonly observer: InstanceObserver = {
    state: (instance) => this.emit('state', instance.snapshot()),
    output: (instance, lines, partial) => this.emit('output', instance.name, lines, partial),
    message: (instance, text) => this.emit('message', instance.name, text),
    exit: (instance, status, byUser) => this.emit('exit', instance.snapshot(), status, byUser),
  };

  constructor(private options: SupervisorOptions) {
    super();
  }

  /** Stop timeout of a type in ms: its own, else `all`, else 5 s. */
  stopTimeoutMs(type: string): number {
    const timeouts = this.options.stopTimeouts;
    return 1000 * (timeouts?.get(type) ?? timeouts?.get('all') ?? DEFAULT_STOP_TIMEOUT_S);
  }

  /** Adds (or returns the existing) instance for a spec; does not start it. */
  add(spec: InstanceSpec): Instance {
    const existing = this.byName.get(spec.name);
    if (existing) return existing;
    const instance = new Instance(spec, this.instanceOptions(spec), this.observer);
    if (this.outputPaused) instance.pauseOutput();
    this.byName.set(spec.name, instance);
    return instance;
  }

  /** Adds an instance, or gives an existing one this spec for its next run. */
  upsert(spec: InstanceSpec): { instance: Instance; added: boolean } {
    const existing = this.byName.get(spec.name);
    if (!existing) return { instance: this.add(spec), added: true };
    existing.reconfigure(spec, this.instanceOptions(spec));
    return { instance: existing, added: false };
  }

  /** Replaces the options (e.g. a new environment) for every instance's next run. */
  configure(options: SupervisorOptions): void {
    this.options = options;
    for (const instance of this.instances()) instance.reconfigure(instance.spec, this.instanceOptions(instance.spec));
  }

  /** Adds and starts instances, in the order given. */
  startAll(specs: readonly InstanceSpec[]): void {
    for (const spec of specs) this.add(spec).start();
  }

  /** Stops one instance and forgets it (scaling down). */
  async remove(name: string): Promise<void> {
    const instance = this.byName.get(name);
    if (!instance) return;
    await instance.stop();
    this.byName.delete(name);
  }

  get(name: string): Instance | undefined {
    return this.byName.get(name);
  }

  instances(): Instance[] {
    return [...this.byName.values()];
  }

  snapshot(): InstanceSnapshot[] {
    return this.instances().map((i) => i.snapshot());
  }

  /** Stops every instance in parallel (SIGTERM, SIGKILL after each type's timeout); resolves when all are down. */
  async stopAll(): Promise<void> {
    await Promise.all(this.instances().map((i) => i.stop()));
  }

  /** SIGKILL to every group now. Synchronous, so it can run in a `process.on('exit')` hook. */
  killAll(): void {
    for (const instance of this.instances()) instance.kill();
  }

  /** Forwards a signal (SIGUSR1, SIGUSR2…) to every running instance's group. */
  signalAll(signal: NodeJS.Signals): void {
    for (const instance of this.instances()) instance.signal(signal);
  }

  /** Stops reading every instance's output until {@link resumeOutput} (the reader is behind). */
  pauseOutput(): void {
    this.outputPaused = true;
    for (const instance of this.instances()) instance.pauseOutput();
  }

  /** Resumes reading output after {@link pauseOutput}. */
  resumeOutput(): void {
    this.outputPaused = false;
    for (const instance of this.instances()) instance.resumeOutput();
  }

  /** True when nothing runs and nothing will restart: every instance is stopped, exited or crashed. */
  isSettled(): boolean {
    return this.instances().every((i) => i.state === 'stopped' || i.state === 'exited' || i.state === 'crashed');
  }

  private instanceOptions(spec: InstanceSpec): InstanceOptions {
    return {
      cwd: this.options.cwd,
      env: instanceEnvironment(this.options.env, spec, this.options.forceColor ?? false),
      stopTimeoutMs: this.stopTimeoutMs(spec.type),
      restart: this.options.restart ?? 'on-failure',
      timeScale: this.options.timeScale,
      partialDelayMs: this.options.partialDelayMs,
    };
  }
}
