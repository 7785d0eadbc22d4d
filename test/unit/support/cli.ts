/**
 * Runs the built `formation` CLI (dist/cli.js) in tests, bounded in time, and finds every process it
 * left behind through a marker environment variable that all descendants inherit. Processes are
 * only ever stopped by their own PID.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';

/** The repository root: the nearest folder above the running test with a package.json. */
export const ROOT = ((): string => {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) if (existsSync(join(dir, 'package.json'))) return dir;
  throw new Error('package.json not found above the tests');
})();
/** Absolute path of the built CLI. */
export const CLI = join(ROOT, 'dist/cli.js');
/** Absolute path of test/fixtures (the source tree, not out/). */
export const FIXTURES = join(ROOT, 'test/fixtures');
/** A case folder copied from ../shared/cases, e.g. `fixture('23-shell-wrapped-grandchildren')`. */
export const caseDir = (name: string): string => join(FIXTURES, 'cases', name);

const MARKER_VAR = 'FORMATION_TEST_MARKER';

/** The outcome of one CLI run. */
export interface CliResult {
  stdout: string;
  stderr: string;
  /** Exit status, or undefined when killed by a signal. */
  code: number | undefined;
  signal: string | undefined;
  /** Wall time from spawn to exit, ms. */
  durationMs: number;
  /** ms from the stop signal (if any) to exit. */
  stopMs: number | undefined;
  /** Processes carrying this run's marker still alive after the CLI exited (killed by PID afterwards). */
  leftovers: string[];
  /** stdout lines with the `HH:MM:SS ` stamp removed (run with --no-timestamp to get none). */
  lines: string[];
  /** The same lines with when each one reached the test (ms from spawn), to check output is not held back. */
  timeline: { ms: number; line: string }[];
}

/** How to run the CLI. */
export interface CliRun {
  cwd: string;
  /** Extra environment (merged over process.env, minus PYTHONUNBUFFERED unless given). */
  env?: Record<string, string | undefined>;
  /**
   * Send this signal to the CLI's PID after `afterMs`, or once stdout so far matches `whenOutput` (and
   * `settleMs` more have passed, for processes that install their signal handlers after printing). With
   * `group: true` the CLI runs as the leader of its own process group and the signal goes to the whole
   * group, like a Ctrl-C in a terminal.
   */
  signal?: ({ name: NodeJS.Signals; afterMs: number } | { name: NodeJS.Signals; whenOutput: RegExp; settleMs?: number }) & { group?: boolean };
  /** Hard limit, ms: the CLI is SIGKILLed by PID after this (default 20 s). */
  timeoutMs?: number;
  /** Text for the CLI's stdin; default: stdin is /dev/null. */
  input?: string;
}

/** Runs `formation ARGS…` and reports its output, status, timing and leftovers. */
export async function runCli(args: string[], options: CliRun): Promise<CliResult> {
  const marker = randomUUID();
  const env: Record<string, string | undefined> = { ...process.env, PYTHONUNBUFFERED: undefined, FORCE_COLOR: undefined, NO_COLOR: undefined, ...options.env, [MARKER_VAR]: marker };
  const started = Date.now();
  const child = execa(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env,
    extendEnv: false,
    reject: false,
    timeout: options.timeoutMs ?? 20_000,
    killSignal: 'SIGKILL',
    detached: options.signal?.group === true,
    ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
  });
  let stopAt: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  const sendSignal = (name: NodeJS.Signals) => {
    if (stopAt !== undefined) return;
    stopAt = Date.now();
    if (options.signal?.group && child.pid !== undefined) {
      try {
        process.kill(-child.pid, name);
      } catch {
        /* already gone */
      }
    } else {
      child.kill(name);
    }
  };
  const timeline: { ms: number; line: string }[] = [];
  let partialLine = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const ms = Date.now() - started;
    const parts = (partialLine + chunk.toString()).split('\n');
    partialLine = parts.pop() ?? '';
    for (const line of parts) timeline.push({ ms, line: line.replace(/^\d\d:\d\d:\d\d /, '') });
  });
  if (options.signal && 'afterMs' in options.signal) {
    const { name, afterMs } = options.signal;
    timer = setTimeout(() => sendSignal(name), afterMs);
  } else if (options.signal) {
    const { name, whenOutput, settleMs } = options.signal;
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (!whenOutput.test(seen)) return;
      child.stdout?.off('data', onData);
      if (settleMs === undefined) sendSignal(name);
      else timer = setTimeout(() => sendSignal(name), settleMs);
    };
    child.stdout?.on('data', onData);
  }
  const result = await child;
  const ended = Date.now();
  if (timer) clearTimeout(timer);
  const left = findMarked(marker);
  for (const { pid } of left) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  const stdout = String(result.stdout ?? '');
  return {
    stdout,
    stderr: String(result.stderr ?? ''),
    code: result.exitCode,
    signal: result.signal,
    durationMs: ended - started,
    stopMs: stopAt === undefined ? undefined : ended - stopAt,
    leftovers: left.map((p) => `${p.pid} ${p.cmdline}`),
    lines: stdout.split('\n').map((line) => line.replace(/^\d\d:\d\d:\d\d /, '')),
    timeline,
  };
}

/** Live (non-zombie) processes whose environment carries `FORMATION_TEST_MARKER=marker`. */
export function findMarked(marker: string): { pid: number; cmdline: string }[] {
  const needle = `${MARKER_VAR}=${marker}`;
  const found: { pid: number; cmdline: string }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${name}/environ`, 'latin1');
      if (!environ.split('\0').includes(needle)) continue;
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      if (/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2))) continue;
      found.push({ pid: Number(name), cmdline: readFileSync(`/proc/${name}/cmdline`, 'latin1').replace(/\0/g, ' ').trim() });
    } catch {
      /* gone, or not ours to read */
    }
  }
  return found;
}

/** Lines of one instance (`web.1`), without the prefix, in order. */
export function outputOf(result: CliResult, instance: string): string[] {
  const prefix = new RegExp(`^${instance.replace(/\./g, '\\.')} +\\| `);
  return result.lines.filter((line) => prefix.test(line)).map((line) => line.replace(prefix, ''));
}
