/**
 * What every exporter shares: the input and output shapes, the instances a formation exports, name
 * checks, secret detection and the env-file header. Pure; no `vscode`.
 */
import { expandFormation, instanceCount, type FormationCounts } from '../formation';
import type { ProcessType } from '../procfile';
import { isSimpleCommand } from '../shellCommand';

/** What to export. */
export interface ExportInput {
  /** The app's name (`-a`; default: the root folder's name): prefix of units, programs, objects. */
  app: string;
  /** Absolute working folder of every process on the target (systemd, supervisord). */
  root: string;
  /** Absolute folder the files are written to (systemd and supervisord refer to the env file there). */
  outputDir: string;
  /** The user processes run as (`-u`; systemd, supervisord); none: the engine's default. */
  user?: string;
  /** Process types in Procfile order (types that cannot run are reported, never exported). */
  types: readonly ProcessType[];
  /** Counts: undefined = every type once (Foreman's rule), else listed/`all`/0. */
  counts: FormationCounts | undefined;
  basePort: number;
  /** Variables of the env files only (never the inherited environment), in file order. */
  env: Record<string, string>;
  /** Seconds between SIGTERM and SIGKILL. */
  stopTimeoutS: number;
  /** Container image (compose, kubernetes); default: `build: .` (compose), `APP:latest` (kubernetes). */
  image?: string;
}

/** One file to write, relative to the output folder. `mode` (e.g. 0o600 for env files) when it matters. */
export interface ExportFile {
  name: string;
  content: string;
  mode?: number;
}

/** Files and the warnings to show (exit status stays 0). */
export interface ExportResult {
  files: ExportFile[];
  warnings: string[];
}

/** An export that cannot be made (a name collision after sanitising, an app name with nothing usable). */
export class ExportError extends Error {
  override name = 'ExportError';
}

/** Mode of every env file written (it may hold secrets). */
export const ENV_FILE_MODE = 0o600;

/** Keys whose values are treated as secrets (Kubernetes Secret with placeholders). */
const SECRET_KEY = /(SECRET|PASS($|_|WORD|WD|PHRASE)|PWD|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE|CREDENTIAL|AUTH|SALT|_KEY$|^KEY$|_DSN$|SIGNING|CERT|COOKIE)/i;
/** A URL with a password in it (`postgres://user:pass@host/db`, also when the password has a `/`). */
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^@\s]*:[^@\s]*@/i;
/** `password=…` inside a connection string. */
const INLINE_PASSWORD = /(^|[\s;&?])(password|passwd|pwd)=/i;

/** True when a variable looks like a secret: by its name, or credentials in its value. */
function looksSecret(key: string, value: string): boolean {
  return SECRET_KEY.test(key) || URL_WITH_PASSWORD.test(value) || INLINE_PASSWORD.test(value);
}

/**
 * Splits variables into plain ones and secret ones: those that look secret, and those whose value
 * contains a secret's value (`DB_CONN="…${SECRET}"` expanded by the env file).
 */
export function splitSecrets(env: Record<string, string>): { plain: Record<string, string>; secret: string[] } {
  const secret = Object.keys(env).filter((key) => looksSecret(key, env[key]));
  const values = secret.map((key) => env[key]).filter((value) => value.length >= 4);
  for (const key of Object.keys(env)) if (!secret.includes(key) && values.some((value) => env[key].includes(value))) secret.push(key);
  const plain = Object.fromEntries(Object.entries(env).filter(([key]) => !secret.includes(key)));
  return { plain, secret };
}

/** The command for `sh -c`: a simple command replaces the shell (`exec`), as when it runs here. */
export function execCommand(command: string): string {
  return isSimpleCommand(command) ? `exec ${command}` : command;
}

/** Types that run, with their counts; types at 0 and types that cannot run are reported. */
export function plan(input: ExportInput): { type: ProcessType; count: number; port: number }[] {
  expandFormation(input.types, input.counts, input.basePort); // throws FormationError for a PORT above 65535
  return input.types.filter((t) => t.runnable).map((type) => ({ type, count: instanceCount(type, input.counts), port: input.basePort + 100 * type.slot }));
}

export function notRunnable(input: ExportInput): string[] {
  return input.types.filter((t) => !t.runnable).map((t) => `${t.name} has an empty command: not exported`);
}

/**
 * Makes names valid for a target and checks that no two types end up with the same one.
 * @throws ExportError naming both types
 */
export function uniqueNames(types: readonly ProcessType[], sanitise: (name: string) => string, target: string): Map<string, string> {
  const names = new Map<string, string>();
  const owners = new Map<string, string>();
  for (const type of types) {
    const name = sanitise(type.name);
    const other = owners.get(name);
    if (other !== undefined) throw new ExportError(`process types "${other}" and "${type.name}" both become "${name}" as ${target} names; rename one in the Procfile`);
    owners.set(name, type.name);
    names.set(type.name, name);
  }
  return names;
}

/** The first line of every env file written. */
export function envHeader(reader: string): string {
  return `# Variables of the app's env files, normalised for ${reader} (written by formation export; keep it private: mode 0600).\n`;
}
