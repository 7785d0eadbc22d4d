/**
 * Small helpers for the parsing, env and PORT case tests: start a formation and stop it with SIGTERM
 * as soon as every expected line has been printed, and read `formation check --json`.
 */
import * as assert from 'node:assert/strict';
import type { CheckReport } from '../../../src/cli/check';
import { type CliResult, type CliRun, outputOf, runCli } from './cli';

/** Lines each instance must print, e.g. `{ 'web.1': ['web up'] }` (without the `web.1 | ` prefix). */
export type Printed = Record<string, string[]>;

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Matches an output once every expected `instance | line` has appeared, in any order. */
export function printedAll(printed: Printed): RegExp {
  const wanted = Object.entries(printed).flatMap(([instance, lines]) =>
    lines.map((line) => `(?=[\\s\\S]*^${escape(instance)} +\\| ${escape(line)}$)`),
  );
  return new RegExp(wanted.join(''), 'm');
}

/**
 * `formation start --no-timestamp ARGS…`, stopped with SIGTERM once everything in `printed` is on
 * stdout (case scripts also exit by themselves after 2–3 s, so a missing line fails, never hangs).
 * `PORT` is not inherited unless given, so the default base is 5000.
 */
export function startUntil(args: string[], printed: Printed, options: Omit<CliRun, 'signal'>): Promise<CliResult> {
  return runCli(['start', '--no-timestamp', ...args], {
    timeoutMs: 15_000,
    ...options,
    env: { PORT: undefined, ...options.env },
    signal: { name: 'SIGTERM', whenOutput: printedAll(printed) },
  });
}

/** Instances that were spawned, from their `started with pid N` lines, in order. */
export function startedInstances(result: CliResult): string[] {
  return result.lines.flatMap((line) => /^(\S+) +\| started with pid \d+$/.exec(line)?.[1] ?? []);
}

/** Asserts every expected line was printed by its instance. */
export function assertPrinted(result: CliResult, printed: Printed): void {
  for (const [instance, lines] of Object.entries(printed)) {
    for (const line of lines) assert.ok(outputOf(result, instance).includes(line), `${instance} | ${line}\nnot in:\n${result.stdout}${result.stderr}`);
  }
}

/** Asserts a stop the test asked for (or a natural end) was clean: exit 0, no process left. */
export function assertCleanStop(result: CliResult): void {
  assert.equal(result.code, 0, `exit status\n${result.stdout}${result.stderr}`);
  assert.deepEqual(result.leftovers, []);
}

/** Runs `formation check --json ARGS…` and parses its one JSON document. */
export async function checkJson(cwd: string, args: string[] = []): Promise<{ code: number | undefined; report: CheckReport }> {
  const result = await runCli(['check', '--json', ...args], { cwd, timeoutMs: 10_000 });
  assert.deepEqual(result.leftovers, []);
  return { code: result.code, report: JSON.parse(result.stdout) as CheckReport };
}

/** A problem as `LINE:COLUMN severity code`, the parts a user reads first. */
export const problemKey = (p: CheckReport['problems'][number]): string => `${p.line}:${p.column} ${p.severity} ${p.code}`;
