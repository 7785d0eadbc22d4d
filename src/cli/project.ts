/**
 * Resolves what the CLI runs from its flags: which Procfile, which root, which env files, which
 * formation and PORT base. Shared by `start`, `check` and `run`.
 */
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { displayPath, envFileRequests, isReadFailure, loadEnvironment, type LoadedEnvironment, readConfigFile } from '../core/environment';
import { choosePortBase, FormationError } from '../core/formation';
import { parseProcfile, type ParsedProcfile } from '../core/procfile';

/** A user error the CLI reports in one line and exits 2 for. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Flags shared by the commands that read a Procfile. */
export interface ProjectFlags {
  procfile?: string;
  root?: string;
  env?: string;
  port?: string;
}

/** Where things are. `procfilePath` and `root` are absolute. */
export interface ProjectPaths {
  procfilePath: string;
  root: string;
  /** The Procfile path as the user should see it in messages. */
  procfileLabel: string;
}

/**
 * Foreman's paths: the Procfile is `-f`, else `ROOT/Procfile` with `-d`, else `./Procfile`; the root
 * is `-d`, else the Procfile's folder (processes run there and the default `.env` is read there).
 */
export function projectPaths(flags: ProjectFlags, cwd: string): ProjectPaths {
  const procfilePath = flags.procfile !== undefined ? resolve(cwd, flags.procfile) : resolve(cwd, flags.root ?? '.', 'Procfile');
  const root = flags.root !== undefined ? resolve(cwd, flags.root) : dirname(procfilePath);
  return { procfilePath, root, procfileLabel: displayPath(procfilePath, cwd) };
}

/**
 * Checks that the root is an existing folder (processes run there).
 *
 * @throws UsageError naming the root otherwise
 */
export function checkRoot(paths: ProjectPaths): void {
  let isFolder = false;
  try {
    isFolder = statSync(paths.root).isDirectory();
  } catch {
    throw new UsageError(`root folder not found: ${paths.root}`);
  }
  if (!isFolder) throw new UsageError(`root is not a folder: ${paths.root}`);
}

/**
 * Reads and parses the Procfile.
 *
 * @returns the parse, or why the file cannot be read (`not found`, `is a folder, not a file`…)
 */
export function readProcfile(paths: ProjectPaths): ParsedProcfile | { error: string } {
  const bytes = readConfigFile(paths.procfilePath);
  return isReadFailure(bytes) ? { error: `Procfile ${bytes.message}: ${paths.procfileLabel}` } : parseProcfile(bytes);
}

/** Loads the env files over the inherited environment (`-e`, else `ROOT/.env`). */
export function projectEnvironment(flags: ProjectFlags, paths: ProjectPaths, cwd: string, inherited: NodeJS.ProcessEnv): LoadedEnvironment {
  return loadEnvironment(inherited, envFileRequests(paths.root, flags.env, cwd));
}

/**
 * The PORT base: `-p`, else `PORT` from the env files, else inherited `PORT`, else 5000.
 *
 * @throws UsageError when the value is not a port number
 */
export function projectPortBase(flags: ProjectFlags, env: LoadedEnvironment, inherited: NodeJS.ProcessEnv): number {
  try {
    return choosePortBase(flags.port, env.fromFiles.PORT, inherited.PORT);
  } catch (error) {
    throw asUsageError(error);
  }
}

/** Turns a FormationError into a UsageError; rethrows anything else. */
export function asUsageError(error: unknown): Error {
  if (error instanceof FormationError) return new UsageError(error.message);
  return error as Error;
}
