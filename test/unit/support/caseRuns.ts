/**
 * Small helpers for the process case tests (test/unit/cases/*.cases.test.ts): temporary copies of a
 * case folder for runs that write files, and lookups in a CLI run's output.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { caseDir, type CliResult } from './cli';

/** Copies a case folder (from test/fixtures/cases) into a new temporary folder and returns its path. */
export function tempCaseCopy(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `formation-${name.slice(0, 2)}-`));
  cpSync(caseDir(name), dir, { recursive: true });
  return dir;
}

/** A new empty temporary folder. */
export function tempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `formation-${label}-`));
}

/** Removes a temporary folder made by {@link tempCaseCopy} or {@link tempDir}. */
export function removeTemp(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Index in `result.lines` of the first line matching `pattern` (-1 when none does). */
export function lineIndex(result: CliResult, pattern: RegExp): number {
  return result.lines.findIndex((line) => pattern.test(line));
}

/** When (ms from spawn) the first line matching `pattern` reached the test; throws when none did. */
export function arrivalMs(result: CliResult, pattern: RegExp): number {
  const entry = result.timeline.find((e) => pattern.test(e.line));
  if (!entry) throw new Error(`no output line matches ${pattern}:\n${result.stdout.slice(0, 4000)}`);
  return entry.ms;
}

/** A regular expression that matches once every one of `patterns` has appeared, in any order. */
export function allOf(...patterns: RegExp[]): RegExp {
  return new RegExp(patterns.map((p) => `(?=[\\s\\S]*${p.source})`).join(''));
}

/** Manager messages about an instance with PIDs replaced by `N` (`started with pid N`). */
export function withoutPids(lines: string[]): string[] {
  return lines.map((line) => line.replace(/pid \d+/g, 'pid N'));
}

/** The whole output, for assertion messages. */
export function show(result: CliResult): string {
  const out = result.stdout.length > 6000 ? `${result.stdout.slice(0, 3000)}\n…\n${result.stdout.slice(-3000)}` : result.stdout;
  return `\n--- exit ${result.code ?? result.signal}, stop ${result.stopMs} ms, stdout:\n${out}\n--- stderr:\n${result.stderr}`;
}
