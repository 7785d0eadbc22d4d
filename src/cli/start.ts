/**
 * `formation start`: runs the formation in the foreground like `foreman start`, with the exit policy,
 * signals and output rules of the core.
 */
import { displayPath } from '../core/environment';
import { RESTART_POLICIES, type RestartPolicy, statusNumber } from '../core/exitPolicy';
import { checkFormationNames, expandFormation, instanceCount, parseFormation, parseTimeouts } from '../core/formation';
import { formatProblem } from '../core/problem';
import { Supervisor } from '../core/supervisor';
import { Logger, useColor } from './logger';
import { asUsageError, checkRoot, projectEnvironment, projectPaths, projectPortBase, type ProjectFlags, readProcfile, UsageError } from './project';

/** Flags of `formation start`. */
export interface StartFlags extends ProjectFlags {
  formation?: string;
  timeout?: string;
  restart?: string;
  stopOnExit?: boolean;
  color: boolean;
  timestamp: boolean;
}

/** Signals that stop the formation gracefully (a second one sends SIGKILL). */
const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** Signals forwarded to every instance's process group. */
const FORWARDED_SIGNALS: NodeJS.Signals[] = ['SIGUSR1', 'SIGUSR2'];

/**
 * Runs `formation start [PROCESS]`.
 *
 * @returns the exit status: 0 after a clean stop, 1 if anything crashed or gave up, the first exiting
 *   instance's status with `--stop-on-exit` (128+n for a signal)
 * @throws UsageError for bad flags, a missing Procfile or env file, an env file error
 */
export async function start(processName: string | undefined, flags: StartFlags, cwd = process.cwd(), inherited = process.env): Promise<number> {
  const restart = flags.stopOnExit ? 'never' : parseRestart(flags.restart);
  const paths = projectPaths(flags, cwd);
  const logger = new Logger({ color: useColor(flags.color, inherited, Boolean(process.stdout.isTTY)), timestamp: flags.timestamp });
  const procfile = readProcfile(paths);
  if ('error' in procfile) throw new UsageError(procfile.error);
  checkRoot(paths);
  for (const problem of procfile.problems) logger.system(formatProblem(paths.procfileLabel, problem));
  const runnable = procfile.types.filter((t) => t.runnable);
  if (runnable.length === 0) return 1;

  let counts: Map<string, number> | undefined;
  let timeouts: Map<string, number> | undefined;
  try {
    counts = flags.formation !== undefined ? parseFormation(flags.formation) : undefined;
    timeouts = flags.timeout !== undefined ? parseTimeouts(flags.timeout) : undefined;
    if (counts) checkFormationNames(counts, procfile.types);
    if (timeouts) checkFormationNames(timeouts, procfile.types, 'timeout');
    if (processName !== undefined) {
      checkFormationNames(new Map([[processName, 1]]), procfile.types, 'the command line');
      counts = new Map([[processName, counts?.get(processName) ?? 1]]);
    }
  } catch (error) {
    throw asUsageError(error);
  }

  const environment = projectEnvironment(flags, paths, cwd, inherited);
  for (const file of environment.files) {
    for (const problem of file.problems) logger.system(formatProblem(displayPath(file.path, cwd), problem));
  }
  if (environment.hasErrors) throw new UsageError('env file errors above; nothing started');
  const basePort = projectPortBase(flags, environment, inherited);
  if (environment.overridden.length > 0) {
    logger.system(`env files override inherited ${environment.overridden.sort().join(', ')}`);
  }

  let specs: ReturnType<typeof expandFormation>;
  try {
    specs = expandFormation(procfile.types, counts, basePort);
  } catch (error) {
    throw asUsageError(error);
  }
  logger.register(procfile.types.map((t) => t.name), specs.map((s) => s.name));
  if (specs.length === 0) {
    // Types the formation asks for whose command is blank: nothing could start, which is a failure.
    const blank = procfile.types.filter((t) => !t.runnable && instanceCount({ ...t, runnable: true }, counts) > 0).map((t) => t.name);
    if (blank.length > 0) {
      logger.system(`nothing to start: ${blank.join(', ')} ${blank.length === 1 ? 'has' : 'have'} an empty command`);
      return 1;
    }
    logger.system('the formation runs no instances (every count is 0)');
    return 0;
  }

  const supervisor = new Supervisor({
    cwd: paths.root,
    env: environment.env,
    stopTimeouts: timeouts,
    restart,
    forceColor: useColor(flags.color, inherited, Boolean(process.stdout.isTTY)),
    timeScale: testTimeScale(inherited),
  });
  return await supervise(supervisor, specs, logger, Boolean(flags.stopOnExit));
}

/** Runs the supervisor until it settles or is stopped; wires signals and the exit status. */
async function supervise(supervisor: Supervisor, specs: Parameters<Supervisor['startAll']>[0], logger: Logger, stopOnExit: boolean): Promise<number> {
  let crashed = false;
  let stopping: Promise<void> | undefined;
  let firstExit: number | undefined;
  let stopSignal: NodeJS.Signals | undefined;
  let settle!: () => void;
  const settled = new Promise<void>((resolve) => (settle = resolve));

  const stopAll = (reason: string): void => {
    if (stopping) return;
    logger.system(reason);
    stopping = supervisor.stopAll().then(settle);
  };
  supervisor.on('output', (name, lines) => logger.lines(name, lines));
  // A slow reader (`| less`, a paused terminal) pauses the processes' output instead of buffering it.
  let paused = false;
  logger.onBackpressure = () => {
    if (paused) return;
    paused = true;
    supervisor.pauseOutput();
    process.stdout.once('drain', () => {
      paused = false;
      supervisor.resumeOutput();
    });
  };
  supervisor.on('message', (name, text) => logger.lines(name, text.split('\n')));
  supervisor.on('exit', (snapshot, status, byUser) => {
    if (byUser) return;
    if (status.signal !== undefined || status.code !== 0) crashed = true;
    if (stopOnExit && firstExit === undefined) {
      firstExit = statusNumber(status);
      stopAll(`${snapshot.name} exited; stopping all processes (--stop-on-exit)`);
    }
  });
  supervisor.on('state', (snapshot) => {
    if (snapshot.state === 'crashed') crashed = true;
    if (!stopping && supervisor.isSettled()) settle();
  });

  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.system(`${signal} received again, sending SIGKILL to all processes`);
      supervisor.killAll();
      return;
    }
    stopSignal = signal;
    stopAll(`${signal} received, stopping all processes (SIGTERM, then SIGKILL after the timeout)`);
  };
  const onForward = (signal: NodeJS.Signals): void => {
    logger.system(`${signal} received, forwarding to all processes`);
    supervisor.signalAll(signal);
  };
  const killOnExit = (): void => supervisor.killAll();
  // `formation start | head`: once the reader is gone, stop everything instead of dying on EPIPE.
  const onOutputError = (): void => stopAll('output closed');
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  for (const signal of FORWARDED_SIGNALS) process.on(signal, onForward);
  process.on('exit', killOnExit);
  process.stdout.on('error', onOutputError);
  try {
    supervisor.startAll(specs);
    await settled;
    await stopping;
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    for (const signal of FORWARDED_SIGNALS) process.off(signal, onForward);
    process.off('exit', killOnExit);
    process.stdout.off('error', onOutputError);
  }
  if (stopSignal === 'SIGHUP' && (process.stdin.isTTY || process.stdout.isTTY)) {
    // The terminal is gone: die by SIGHUP as a shell job would. Exiting normally makes Node restore
    // a terminal that no longer exists and abort (nodejs/node#51519). Everything is stopped already.
    process.kill(process.pid, 'SIGHUP');
  }
  if (firstExit !== undefined) return firstExit;
  return crashed ? 1 : 0;
}

function parseRestart(value: string | undefined): RestartPolicy {
  if (value === undefined) return 'on-failure';
  if ((RESTART_POLICIES as readonly string[]).includes(value)) return value as RestartPolicy;
  throw new UsageError(`invalid --restart "${value}": use ${RESTART_POLICIES.join(', ')}`);
}

/** Test-only: `FORMATION_TEST_TIME_SCALE=0.01` makes backoff 100× faster. Not documented for users. */
function testTimeScale(env: NodeJS.ProcessEnv): number {
  const scale = Number(env.FORMATION_TEST_TIME_SCALE);
  return scale > 0 && scale <= 1 ? scale : 1;
}
