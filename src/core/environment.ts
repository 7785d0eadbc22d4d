/**
 * The environment of a formation: inherited variables, overlaid by env files in order.
 * Precedence is Foreman's (shared by Honcho, node-foreman and Overmind): inherited < env files in
 * the order given (later files win). `PORT` and `PS` are assigned per instance later (see
 * `formation.ts`), whatever the files say.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { parseEnvFile } from './envfile';
import type { EnvProblemCode, Problem } from './problem';

/** An env file to load. `explicit`: named by the user (`-e`, a setting); a missing explicit file is an
 * error, a missing default `.env` is fine. */
export interface EnvFileRequest {
  /** Absolute path. */
  path: string;
  explicit: boolean;
}

/** What became of one requested env file. */
export interface EnvFileReport {
  path: string;
  /** False when the file does not exist (or is a folder, or cannot be read). */
  found: boolean;
  /** Names set by this file (never values). */
  keys: string[];
  problems: Problem<EnvProblemCode>[];
}

/** The result of {@link loadEnvironment}. */
export interface LoadedEnvironment {
  /** Inherited environment overlaid with every file, in order. */
  env: Record<string, string>;
  /** Only the variables the env files set (later files win): the source of the PORT base. */
  fromFiles: Record<string, string>;
  files: EnvFileReport[];
  /** Names of inherited variables an env file replaced with a different value (names only). */
  overridden: string[];
  /** True when an explicit file is missing or any file has an error: nothing should start. */
  hasErrors: boolean;
}

/** Why a file could not be read: it does not exist, it is a folder, or anything else (permissions…). */
export interface ReadFailure {
  reason: 'missing' | 'folder' | 'unreadable';
  /** A short phrase: `not found`, `is a folder, not a file`, `cannot be read (EACCES)`. */
  message: string;
}

/** Reads a whole file, or says why not. Injected by tests. */
export type ReadFile = (path: string) => Uint8Array | ReadFailure;

/** Reads with `fs.readFileSync`; never throws. */
export const readConfigFile: ReadFile = (path) => {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { reason: 'missing', message: 'not found' };
    if (code === 'EISDIR') return { reason: 'folder', message: 'is a folder, not a file' };
    return { reason: 'unreadable', message: `cannot be read (${code ?? String(error)})` };
  }
};

/** True when {@link ReadFile} failed. */
export function isReadFailure(result: Uint8Array | ReadFailure): result is ReadFailure {
  return !(result instanceof Uint8Array);
}

/**
 * Loads env files in order over an inherited environment. `${VAR}` in a file sees the inherited
 * environment and every earlier file, so the environment and the shell's expansion of the command
 * line agree. Never throws; a named file that cannot be read (missing, a folder, no permission)
 * becomes an `env-file-missing` error; a missing default `.env` is fine.
 *
 * @param inherited the manager's own environment (`process.env`)
 * @param requests files in precedence order (later wins)
 */
export function loadEnvironment(inherited: NodeJS.ProcessEnv, requests: EnvFileRequest[], read: ReadFile = readConfigFile): LoadedEnvironment {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(inherited)) if (value !== undefined) env[key] = value;
  const fromFiles: Record<string, string> = {};
  const files: EnvFileReport[] = [];
  let hasErrors = false;
  for (const request of requests) {
    const bytes = read(request.path);
    if (isReadFailure(bytes)) {
      // Only a default .env may be absent; a named file, or a .env that is a folder, is an error.
      const fails = request.explicit || bytes.reason !== 'missing';
      const problems: Problem<EnvProblemCode>[] = fails
        ? [{ line: 1, column: 1, endColumn: 1, severity: 'error', code: 'env-file-missing', message: `env file ${bytes.message}: ${request.path}` }]
        : [];
      hasErrors ||= fails;
      files.push({ path: request.path, found: false, keys: [], problems });
      continue;
    }
    const parsed = parseEnvFile(bytes, (name) => env[name]);
    for (const { key, value } of parsed.assignments) {
      env[key] = value;
      fromFiles[key] = value;
    }
    hasErrors ||= parsed.problems.some((p) => p.severity === 'error');
    files.push({ path: request.path, found: true, keys: [...new Set(parsed.assignments.map((a) => a.key))], problems: parsed.problems });
  }
  const overridden = Object.keys(fromFiles).filter((key) => inherited[key] !== undefined && inherited[key] !== fromFiles[key]);
  return { env, fromFiles, files, overridden, hasErrors };
}

/**
 * Which env files to load: `.env` in the root by default (a missing one is fine), or the files the
 * user named, comma-separated, relative to `cwd` (Foreman's `-e a.env,b.env`).
 *
 * @param root the formation's root folder (the Procfile's folder, or `-d`)
 * @param named the `-e` value, or `undefined`
 * @param cwd the invoking directory, against which named files resolve
 */
export function envFileRequests(root: string, named: string | undefined, cwd: string): EnvFileRequest[] {
  if (named === undefined) return [{ path: resolve(root, '.env'), explicit: false }];
  return named
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '')
    .map((name) => ({ path: isAbsolute(name) ? name : resolve(cwd, name), explicit: true }));
}

/** A path for messages: relative to `cwd` when inside it, else absolute. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
