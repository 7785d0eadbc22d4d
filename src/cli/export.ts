/**
 * `formation export FORMAT DIR`: writes the formation that `formation start` would run as systemd
 * units, a supervisord config, a Compose file or Kubernetes manifests (core/exportFormation), plus
 * the env file normalised for that engine (mode 0600). Warnings go to stderr; the status stays 0.
 */
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { formatProblem } from '../core/problem';
import { displayPath } from '../core/environment';
import { EXPORT_FORMATS, ExportError, type ExportFormat, exportFormation } from '../core/exportFormation';
import { checkFormationNames, FormationError, parseFormation } from '../core/formation';
import { DEFAULT_STOP_TIMEOUT_S } from '../core/supervisor';
import { checkRoot, projectEnvironment, type ProjectFlags, projectPaths, projectPortBase, readProcfile, UsageError } from './project';

/** Flags of `formation export`. */
export interface ExportFlags extends ProjectFlags {
  app?: string;
  user?: string;
  formation?: string;
  timeout?: string;
  image?: string;
}

/** Where a line goes (stdout for what was written, stderr for warnings). */
export interface ExportOutput {
  out(text: string): void;
  err(text: string): void;
}

/**
 * Runs `formation export FORMAT DIR`.
 *
 * The environment `formation` runs in is never read: only the env files (and `-p`) count.
 *
 * @returns 0 (also with warnings)
 * @throws UsageError for an unknown format, bad flags, a missing Procfile or env file, an env file
 *   error, a name collision, or a DIR that is a file (exit status 2)
 */
export function exportCommand(format: string, dir: string, flags: ExportFlags, output: ExportOutput, cwd = process.cwd()): number {
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown export format "${format}" (formats: ${EXPORT_FORMATS.join(', ')})`);
  const paths = projectPaths(flags, cwd);
  const procfile = readProcfile(paths);
  if ('error' in procfile) throw new UsageError(procfile.error);
  checkRoot(paths);
  for (const problem of procfile.problems) output.err(`${formatProblem(paths.procfileLabel, problem)}\n`);
  if (!procfile.types.some((t) => t.runnable)) throw new UsageError(`${paths.procfileLabel} has no process type that can run; nothing to export`);
  let counts: Map<string, number> | undefined;
  try {
    counts = flags.formation !== undefined ? parseFormation(flags.formation) : undefined;
    if (counts) checkFormationNames(counts, procfile.types);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const stopTimeoutS = flags.timeout === undefined ? DEFAULT_STOP_TIMEOUT_S : /^\d+(\.\d)?$/.test(flags.timeout) ? Number(flags.timeout) : NaN;
  if (!(stopTimeoutS >= 0.1 && stopTimeoutS <= 3600)) throw new UsageError(`-t must be seconds from 0.1 to 3600, e.g. 5 or 2.5 (got "${flags.timeout}")`);
  // Only the env files: `${HOME}`-style references are not filled in from the shell running export.
  const environment = projectEnvironment(flags, paths, cwd, {});
  for (const file of environment.files) for (const problem of file.problems) output.err(`${formatProblem(displayPath(file.path, cwd), problem)}\n`);
  if (environment.hasErrors) throw new UsageError('env file errors above; nothing exported');
  const basePort = projectPortBase(flags, environment, {});
  if (flags.user !== undefined && !/^[a-z_][a-z0-9_-]*\$?$/i.test(flags.user)) throw new UsageError(`-u must be a user name (letters, digits, _ and -), got "${flags.user}"`);
  if (flags.image !== undefined && !/^[^\s]+$/.test(flags.image)) throw new UsageError(`--image must be an image reference such as registry.example.com/app:1.0, got "${flags.image}"`);
  const outputDir = resolve(cwd, dir);
  let result;
  try {
    result = exportFormation(format as ExportFormat, {
      app: flags.app ?? basename(paths.root),
      root: paths.root,
      outputDir,
      user: flags.user,
      types: procfile.types,
      counts,
      basePort,
      env: environment.fromFiles,
      stopTimeoutS,
      image: flags.image,
    });
  } catch (error) {
    if (error instanceof ExportError || error instanceof FormationError) throw new UsageError(error.message);
    throw error;
  }
  try {
    if (!statSync(outputDir).isDirectory()) throw new UsageError(`${dir} is not a folder`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    try {
      mkdirSync(outputDir, { recursive: true });
    } catch (mkdirError) {
      throw new UsageError(`cannot create ${dir}: ${(mkdirError as NodeJS.ErrnoException).code ?? (mkdirError as Error).message}`);
    }
  }
  for (const file of result.files) {
    const path = join(outputDir, file.name);
    try {
      // An existing env file is made private before its new content goes in.
      if (file.mode !== undefined) chmodSync(path, file.mode);
    } catch {
      /* not there yet */
    }
    try {
      writeFileSync(path, file.content, { mode: file.mode ?? 0o644 });
      if (file.mode !== undefined) chmodSync(path, file.mode);
    } catch (error) {
      throw new UsageError(`cannot write ${displayPath(path, cwd)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    output.out(`wrote ${displayPath(path, cwd)}\n`);
  }
  for (const warning of result.warnings) output.err(`warning: ${warning}\n`);
  return 0;
}
