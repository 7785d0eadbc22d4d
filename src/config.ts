/**
 * Reads a workspace folder's settings and files into a FormationConfig (the core's input): which
 * Procfile, which env files, explicit env, base port, counts, stop timeout, restart policy.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Settings } from './constants';
import { loadEnvironment, type EnvFileReport } from './core/environment';
import { DEFAULT_BASE_PORT } from './core/formation';
import type { FormationConfig } from './core/managedFormation';
import { parseProcfile, type ParsedProcfile } from './core/procfile';
import type { RestartPolicy } from './core/exitPolicy';

/** ms a running type that left the Procfile keeps running (see FormationConfig.removalGraceMs). */
export const TYPE_REMOVAL_GRACE_MS = 3000;

/** A folder's formation inputs, read from disk and settings. */
export interface FolderConfig {
  procfileUri: vscode.Uri;
  procfile: ParsedProcfile;
  config: FormationConfig;
  envFiles: EnvFileReport[];
  /** Names set by `procfile.env` (overriding everything else). */
  overriddenNames: string[];
  stopTimeoutS: number;
  /** `procfile.outputTimestamps`: prefix output channel lines with `HH:MM:SS`. */
  outputTimestamps: boolean;
}

/** The Procfile a folder runs: `procfile.path`, else `Procfile.dev` if present, else `Procfile`. */
export async function locateProcfile(folder: vscode.WorkspaceFolder): Promise<vscode.Uri | undefined> {
  const configured = vscode.workspace.getConfiguration(Settings.section, folder.uri).get<string | null>(Settings.path);
  const candidates = configured ? [configured] : ['Procfile.dev', 'Procfile'];
  for (const candidate of candidates) {
    const uri = path.isAbsolute(candidate) ? vscode.Uri.file(candidate) : vscode.Uri.joinPath(folder.uri, candidate);
    try {
      if ((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.File) return uri;
    } catch {
      /* not there */
    }
  }
  return undefined;
}

/**
 * Builds the config of a folder. Env precedence: the extension host's environment (without `PORT`,
 * which code-server and cloud IDEs set for themselves, and without `VSCODE_*` and
 * `ELECTRON_RUN_AS_NODE`) < env files in order < `procfile.env`; PORT/PS per instance.
 */
export async function readFolderConfig(folder: vscode.WorkspaceFolder, procfileUri: vscode.Uri): Promise<FolderConfig> {
  const settings = vscode.workspace.getConfiguration(Settings.section, folder.uri);
  const procfile = parseProcfile(await vscode.workspace.fs.readFile(procfileUri));
  const root = path.dirname(procfileUri.fsPath);
  const envFileNames = settings.get<string[]>(Settings.envFiles) ?? ['.env'];
  const requests = envFileNames.map((name) => ({ path: path.resolve(root, name), explicit: name !== '.env' }));
  const inherited: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key !== 'PORT' && !key.startsWith('VSCODE_') && key !== 'ELECTRON_RUN_AS_NODE') inherited[key] = value;
  }
  const loaded = loadEnvironment(inherited, requests);
  const explicit = stringRecord(settings.get(Settings.env));
  const env = { ...loaded.env, ...explicit };
  const basePortSetting = settings.get<number | null>(Settings.basePort);
  const filePort = Number(loaded.fromFiles.PORT);
  const basePort = basePortSetting ?? (Number.isInteger(filePort) && filePort > 0 && filePort < 65536 ? filePort : DEFAULT_BASE_PORT);
  const stopTimeoutS = Math.max(0.1, settings.get<number>(Settings.stopTimeout) ?? 5);
  const counts = new Map<string, number>();
  for (const [name, count] of Object.entries(settings.get<Record<string, unknown>>(Settings.formation) ?? {})) {
    if (typeof count === 'number' && Number.isInteger(count) && count >= 0) counts.set(name, Math.min(count, 100));
  }
  const restart = settings.get<RestartPolicy>(Settings.restart) ?? 'on-failure';
  return {
    procfileUri,
    procfile,
    envFiles: loaded.files,
    overriddenNames: Object.keys(explicit),
    stopTimeoutS,
    outputTimestamps: settings.get<boolean>(Settings.outputTimestamps) ?? false,
    config: {
      root,
      types: procfile.types,
      env,
      basePort,
      counts,
      stopTimeouts: new Map([['all', stopTimeoutS]]),
      restart: ['on-failure', 'always', 'never'].includes(restart) ? restart : 'on-failure',
      timeScale: testTimeScale(),
      // Editors save while the user types (code-server auto-saves after 1 s): a type renamed or
      // deleted by an edit in progress keeps running this long before it stops.
      removalGraceMs: TYPE_REMOVAL_GRACE_MS,
    },
  };
}

function stringRecord(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (value !== null && typeof value === 'object') {
    for (const [key, entry] of Object.entries(value)) if (typeof entry === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) result[key] = entry;
  }
  return result;
}

/** Test-only backoff scale (`FORMATION_TEST_TIME_SCALE` in the extension host's environment). */
function testTimeScale(): number | undefined {
  const scale = Number(process.env.FORMATION_TEST_TIME_SCALE);
  return scale > 0 && scale <= 1 ? scale : undefined;
}
