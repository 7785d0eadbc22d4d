/**
 * Exporting a formation to engines that run it on many machines: systemd, supervisord, Docker
 * Compose and Kubernetes. Pure: returns files (names, text, mode) and warnings; the caller writes
 * them. The formation exported is exactly the one that runs here: process types in Procfile order,
 * their counts, Foreman's PORT rule, the variables of the env files (normalised for each target,
 * never the inherited environment), the stop timeout.
 */
import { posix } from 'node:path';
import { stringify } from 'yaml';
import { expandFormation, instanceCount, type FormationCounts } from './formation';
import type { ProcessType } from './procfile';
import { isSimpleCommand } from './shellCommand';

/** The formats `formation export` and the extension know. */
export const EXPORT_FORMATS = ['systemd', 'supervisord', 'compose', 'kubernetes'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

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
const ENV_FILE_MODE = 0o600;

/** Keys whose values are treated as secrets (Kubernetes Secret with placeholders). */
const SECRET_KEY = /(SECRET|PASS($|_|WORD|WD|PHRASE)|PWD|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE|CREDENTIAL|AUTH|SALT|_KEY$|^KEY$|_DSN$|SIGNING|CERT|COOKIE)/i;
/** A URL with a password in it (`postgres://user:pass@host/db`, also when the password has a `/`). */
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^@\s]*:[^@\s]*@/i;
/** `password=…` inside a connection string. */
const INLINE_PASSWORD = /(^|[\s;&?])(password|passwd|pwd)=/i;

/** True when a variable looks like a secret: by its name, or credentials in its value. */
export function looksSecret(key: string, value: string): boolean {
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

/** Exports a formation. @throws ExportError (see there) */
export function exportFormation(format: ExportFormat, given: ExportInput): ExportResult {
  // PORT and PS are assigned per instance (as when the formation runs here): an env file's PORT is the
  // base port, never a value to pass on (systemd's EnvironmentFile= would override each unit's PORT).
  const env = Object.fromEntries(Object.entries(given.env).filter(([key]) => key !== 'PORT' && key !== 'PS'));
  const input = { ...given, env };
  switch (format) {
    case 'systemd':
      return exportSystemd(input);
    case 'supervisord':
      return exportSupervisord(input);
    case 'compose':
      return exportCompose(input);
    case 'kubernetes':
      return exportKubernetes(input);
  }
}

/** The text of a multi-file export as one document: `# --- file: NAME ---` before each file. */
export function exportPreview(result: ExportResult): string {
  return result.files.map((file) => `# --- file: ${file.name} ---\n${file.content.endsWith('\n') ? file.content : `${file.content}\n`}`).join('\n');
}

/** The command for `sh -c`: a simple command replaces the shell (`exec`), as when it runs here. */
function execCommand(command: string): string {
  return isSimpleCommand(command) ? `exec ${command}` : command;
}

/** Types that run, with their counts; types at 0 and types that cannot run are reported. */
function plan(input: ExportInput): { type: ProcessType; count: number; port: number }[] {
  expandFormation(input.types, input.counts, input.basePort); // throws FormationError for a PORT above 65535
  return input.types.filter((t) => t.runnable).map((type) => ({ type, count: instanceCount(type, input.counts), port: input.basePort + 100 * type.slot }));
}

function notRunnable(input: ExportInput): string[] {
  return input.types.filter((t) => !t.runnable).map((t) => `${t.name} has an empty command: not exported`);
}

/**
 * Makes names valid for a target and checks that no two types end up with the same one.
 * @throws ExportError naming both types
 */
function uniqueNames(types: readonly ProcessType[], sanitise: (name: string) => string, target: string): Map<string, string> {
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

// ---------------------------------------------------------------------------------------------
// systemd

/**
 * systemd's unit-name escaping (systemd-escape): bytes outside `[A-Za-z0-9:_.]` become `\xNN`, a
 * leading `.` too. `-` is kept here: it separates app and type, as in Foreman's unit names.
 */
export function systemdEscape(name: string): string {
  let out = '';
  for (const byte of Buffer.from(name, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9:_.-]/.test(char) && !(out === '' && char === '.') ? char : `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** A unit-file value with systemd's `%` specifiers made literal (`%%`). */
function specifiers(value: string): string {
  return value.replace(/%/g, '%%');
}

/** A value for a systemd unit or env file in double quotes: `\`, `"`, `$` escaped; `%` doubled where specifiers apply. */
function systemdQuote(value: string, specifiers: boolean): string {
  let text = value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, specifiers ? '$$$$' : '\\$');
  if (specifiers) text = text.replace(/%/g, '%%');
  return `"${text}"`;
}

function exportSystemd(input: ExportInput): ExportResult {
  const warnings = notRunnable(input);
  const app = systemdEscape(input.app);
  if (app === '') throw new ExportError('the app name is empty (-a)');
  const types = plan(input);
  const names = uniqueNames(types.map((t) => t.type), systemdEscape, 'systemd unit');
  const envFile = `${app}.env`;
  const units: ExportFile[] = [];
  const wants: string[] = [];
  const skipped: string[] = [];
  for (const { type, count, port } of types) {
    if (count === 0) {
      skipped.push(type.name);
      continue;
    }
    for (let index = 1; index <= count; index++) {
      const unit = `${app}-${names.get(type.name)}.${index}.service`;
      wants.push(unit);
      units.push({
        name: unit,
        content: [
          '[Unit]',
          `Description=${specifiers(`${input.app} ${type.name}.${index} (Procfile: ${type.name})`)}`,
          `PartOf=${app}.target`,
          'After=network.target',
          'StartLimitIntervalSec=60',
          'StartLimitBurst=5',
          '',
          '[Service]',
          'Type=simple',
          ...(input.user ? [`User=${input.user}`] : []),
          `WorkingDirectory=${specifiers(input.root)}`,
          `EnvironmentFile=-${specifiers(`${input.outputDir}/${envFile}`)}`,
          `Environment=PORT=${port + index - 1} PS=${type.name}.${index}`,
          `ExecStart=/bin/sh -c ${systemdQuote(`exec 2>&1; ${execCommand(type.command)}`, true)}`,
          'Restart=on-failure',
          'RestartSec=1',
          'KillMode=mixed',
          `TimeoutStopSec=${input.stopTimeoutS}`,
          `SyslogIdentifier=${specifiers(`${input.app}-${type.name}.${index}`)}`,
          '',
          '[Install]',
          `WantedBy=${app}.target`,
          '',
        ].join('\n'),
      });
    }
  }
  if (skipped.length > 0) warnings.push(`scaled to 0, so no unit is exported for: ${skipped.join(', ')}`);
  const target: ExportFile = {
    name: `${app}.target`,
    content: [
      '[Unit]',
      `Description=${specifiers(`${input.app} (Procfile formation: ${types.map((t) => `${t.type.name}=${t.count}`).join(', ')})`)}`,
      ...(wants.length > 0 ? [`Wants=${wants.join(' ')}`] : []),
      ...(skipped.length > 0 ? [`# scaled to 0, not exported: ${skipped.join(', ')}`] : []),
      '',
      '[Install]',
      'WantedBy=multi-user.target',
      '',
    ].join('\n'),
  };
  const env = Object.entries(input.env).map(([key, value]) => `${key}=${systemdQuote(value, false)}`);
  return {
    files: [target, ...units, { name: envFile, content: envHeader('systemd EnvironmentFile=') + env.map((line) => `${line}\n`).join(''), mode: ENV_FILE_MODE }],
    warnings,
  };
}

function envHeader(reader: string): string {
  return `# Variables of the app's env files, normalised for ${reader} (written by formation export; keep it private: mode 0600).\n`;
}

// ---------------------------------------------------------------------------------------------
// supervisord

/** A word for /bin/sh in single quotes. */
function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * {@link shQuote} for a supervisord value: whitespace before `;` or `#` starts an inline comment
 * there, so the quote is closed and reopened in between (`a '';b` is still `a ;b` for the shell).
 */
function supervisordQuote(value: string): string {
  return shQuote(value).replace(/(\s)([;#])/g, "$1''$2");
}

function exportSupervisord(input: ExportInput): ExportResult {
  const warnings = notRunnable(input);
  const app = input.app.replace(/[^A-Za-z0-9_.-]/g, '_');
  if (app === '') throw new ExportError('the app name is empty (-a)');
  const types = plan(input);
  const names = uniqueNames(types.map((t) => t.type), (n) => n, 'supervisord program');
  const envFile = `${app}.env`;
  const sections: string[] = [`; ${input.app}: Procfile formation (${types.map((t) => `${t.type.name}=${t.count}`).join(', ')}), written by formation export`];
  const programs: string[] = [];
  const skipped: string[] = [];
  for (const { type, count, port } of types) {
    if (count === 0) {
      skipped.push(type.name);
      continue;
    }
    const program = `${app}-${names.get(type.name)}`;
    programs.push(program);
    // supervisord cannot do arithmetic in environment=: the shell computes PORT from process_num.
    const env = shQuote(`${input.outputDir}/${envFile}`);
    // `%` is supervisord's interpolation character: doubled everywhere but in %(process_num)d.
    const script = `set -a; [ -f ${env} ] && . ${env}; set +a; PORT=$((${port} + \0 - 1)); PS=${type.name}.\0; export PORT PS; exec 2>&1; ${execCommand(type.command)}`
      .replace(/%/g, '%%')
      .replace(/\0/g, '%(process_num)d');
    sections.push(
      [
        `[program:${program}]`,
        `command=/bin/sh -c ${supervisordQuote(script)}`,
        'process_name=%(program_name)s.%(process_num)d',
        `numprocs=${count}`,
        'numprocs_start=1',
        `directory=${input.root.replace(/%/g, '%%')}`,
        ...(input.user ? [`user=${input.user}`] : []),
        'autostart=true',
        'autorestart=unexpected',
        'exitcodes=0',
        'startretries=5',
        'stopsignal=TERM',
        `stopwaitsecs=${Math.ceil(input.stopTimeoutS)}`,
        'stopasgroup=true',
        'killasgroup=true',
        'redirect_stderr=true',
      ].join('\n'),
    );
  }
  if (skipped.length > 0) {
    warnings.push(`scaled to 0, so no program is exported for: ${skipped.join(', ')} (supervisord has no numprocs=0)`);
    sections.push(`; scaled to 0, not exported: ${skipped.join(', ')}`);
  }
  if (programs.length > 0) sections.push(`[group:${app}]\nprograms=${programs.join(',')}`);
  const env = Object.entries(input.env).map(([key, value]) => `${key}=${shQuote(value)}\n`);
  return {
    files: [
      { name: `${app}.conf`, content: `${sections.join('\n\n')}\n` },
      { name: envFile, content: envHeader('/bin/sh (sourced with set -a)') + env.join(''), mode: ENV_FILE_MODE },
    ],
    warnings,
  };
}

// ---------------------------------------------------------------------------------------------
// Docker Compose

/** A Compose project name: lowercase letters, digits, `_` and `-`, starting with a letter or digit. */
function composeProjectName(app: string): string {
  return app.toLowerCase().replace(/[^a-z0-9_-]/g, '-').replace(/-+/g, '-').replace(/^[^a-z0-9]+/, '').replace(/[-_]+$/, '');
}

/** A value for Compose's env_file: single quotes (literal) when possible, else double quotes with escapes; `$` never interpolated. */
function composeEnvValue(value: string): string {
  if (!/['\\\n\r]/.test(value)) return `'${value}'`;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '\\$').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`;
}

function exportCompose(input: ExportInput): ExportResult {
  const warnings = notRunnable(input);
  const project = composeProjectName(input.app);
  if (project === '') throw new ExportError(`the app name "${input.app}" has nothing Compose can use as a project name (-a)`);
  const types = plan(input);
  uniqueNames(types.map((t) => t.type), (n) => n.toLowerCase(), 'Compose service');
  const envFile = `${project}.env`;
  const services: Record<string, unknown> = {};
  for (const { type, count, port } of types) {
    const service: Record<string, unknown> = {};
    if (input.image) service.image = input.image;
    else {
      // Relative to compose.yaml: the app's folder, wherever the file is written.
      service.build = posix.relative(input.outputDir, input.root) || '.';
      service.image = `${project}:latest`;
    }
    // `$$`: Compose would otherwise interpolate $PORT from the host when it reads the file.
    service.command = ['/bin/sh', '-c', execCommand(type.command).replace(/\$/g, '$$$$')];
    service.env_file = [envFile];
    service.environment = { PORT: String(port), PS: type.name };
    if (type.name === 'web') service.ports = [String(port)];
    // Heroku's `release` type is a one-off that runs at deploy time and exits 0: never restarted.
    service.restart = type.name === 'release' ? 'no' : 'on-failure';
    service.stop_grace_period = `${input.stopTimeoutS}s`;
    service.deploy = { replicas: count };
    services[type.name] = service;
  }
  if (!input.image) warnings.push(`no --image given: every service builds the Dockerfile of the app's folder (build: ${posix.relative(input.outputDir, input.root) || '.'}) and tags it ${project}:latest`);
  const zero = types.filter((t) => t.count === 0).map((t) => t.type.name);
  if (zero.length > 0) warnings.push(`scaled to 0 (deploy.replicas: 0): ${zero.join(', ')}`);
  const web = types.find((t) => t.type.name === 'web');
  const header = `# ${input.app}: Procfile formation (${types.map((t) => `${t.type.name}=${t.count}`).join(', ')}), written by formation export.\n# docker compose up -d${web ? `   — web publishes its PORT on a free host port: docker compose port web ${web.port}` : ''}\n`;
  const env = Object.entries(input.env).map(([key, value]) => `${key}=${composeEnvValue(value)}\n`);
  return {
    files: [
      { name: 'compose.yaml', content: header + stringify({ name: project, services }, { lineWidth: 0, version: '1.1' }) },
      { name: envFile, content: envHeader("Compose's env_file") + env.join(''), mode: ENV_FILE_MODE },
    ],
    warnings,
  };
}

// ---------------------------------------------------------------------------------------------
// Kubernetes

/** kubectl (and older Compose) read YAML 1.1, where `yes`, `no`, `on`, `y` are booleans: strings
 * like those get quoted. */
const K8S_YAML = { lineWidth: 0, version: '1.1' } as const;

/** A DNS label (RFC 1123): lowercase letters, digits and `-`, starting and ending alphanumeric, ≤ 63. */
export function dnsLabel(name: string, max = 63): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+/, '')
    .slice(0, max)
    .replace(/-+$/, '');
}

function exportKubernetes(input: ExportInput): ExportResult {
  const warnings = notRunnable(input);
  const label = dnsLabel(input.app, 40);
  if (label === '') throw new ExportError(`the app name "${input.app}" has nothing Kubernetes can use in a name (-a)`);
  // Service names must start with a letter (RFC 1035): `2048-game` becomes `app-2048-game`.
  const app = /^[a-z]/.test(label) ? label : `app-${label}`.slice(0, 40).replace(/-+$/, '');
  const types = plan(input);
  const names = uniqueNames(types.map((t) => t.type), (n) => dnsLabel(n, 62 - app.length), 'Kubernetes');
  for (const [type, name] of names) if (name === '') throw new ExportError(`process type "${type}" has nothing Kubernetes can use in a name`);
  const image = input.image ?? `${app}:latest`;
  if (!input.image) warnings.push(`no --image given: the Deployments use ${image}; build and push it, or export again with --image`);
  const split = splitSecrets(input.env);
  const config = split.plain;
  const secret: Record<string, string> = Object.fromEntries(split.secret.map((key) => [key, 'REPLACE_ME']));
  if (Object.keys(secret).length > 0) {
    warnings.push(`${Object.keys(secret).join(', ')} look like secrets: ${app}-secrets.yaml has placeholders (REPLACE_ME), not their values; fill it in (or use your secret manager) before applying`);
  }
  const labels = (type: string) => ({ 'app.kubernetes.io/name': app, 'app.kubernetes.io/component': names.get(type)! });
  const documents: unknown[] = [];
  for (const { type, count, port } of types) {
    const name = `${app}-${names.get(type.name)}`;
    const isWeb = type.name === 'web';
    const container: Record<string, unknown> = {
      name: names.get(type.name),
      image,
      // `$$`: Kubernetes expands $(VAR) in commands and turns $$ into $.
      command: ['/bin/sh', '-c', execCommand(type.command).replace(/\$/g, '$$$$')],
      env: [
        { name: 'PORT', value: String(port) },
        { name: 'PS', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      ],
      envFrom: [
        ...(Object.keys(config).length > 0 ? [{ configMapRef: { name: `${app}-env` } }] : []),
        ...(Object.keys(secret).length > 0 ? [{ secretRef: { name: `${app}-secrets` } }] : []),
      ],
    };
    if ((container.envFrom as unknown[]).length === 0) delete container.envFrom;
    if (isWeb) {
      container.ports = [{ name: 'http', containerPort: port }];
      container.readinessProbe = { tcpSocket: { port: 'http' }, periodSeconds: 5 };
    }
    const podSpec = { terminationGracePeriodSeconds: Math.ceil(input.stopTimeoutS), containers: [container] };
    if (type.name === 'release') {
      // Heroku's `release` type runs once per deploy and exits: a Job (a Deployment would restart it
      // forever). A count of 0 suspends it.
      documents.push({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name, labels: labels(type.name) },
        spec: { suspend: count === 0, backoffLimit: 2, template: { metadata: { labels: labels(type.name) }, spec: { ...podSpec, restartPolicy: 'Never' } } },
      });
      continue;
    }
    documents.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, labels: labels(type.name) },
      spec: {
        replicas: count,
        selector: { matchLabels: labels(type.name) },
        template: {
          metadata: { labels: labels(type.name) },
          spec: podSpec,
        },
      },
    });
    if (isWeb) {
      documents.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, labels: labels(type.name) },
        spec: { selector: labels(type.name), ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
      });
    }
  }
  const zero = types.filter((t) => t.count === 0).map((t) => t.type.name);
  if (zero.length > 0) warnings.push(`scaled to 0 (replicas: 0): ${zero.join(', ')}`);
  const files: ExportFile[] = [
    { name: `${app}.yaml`, content: `# ${input.app}: Procfile formation (${types.map((t) => `${t.type.name}=${t.count}`).join(', ')}), written by formation export.\n${documents.map((d) => stringify(d, K8S_YAML)).join('---\n')}` },
  ];
  if (Object.keys(config).length > 0) {
    files.push({ name: `${app}-env.yaml`, content: stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${app}-env` }, data: config }, K8S_YAML), mode: ENV_FILE_MODE });
  }
  if (Object.keys(secret).length > 0) {
    files.push({ name: `${app}-secrets.yaml`, content: `# Placeholders: put the real values in before applying; never commit them.\n${stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `${app}-secrets` }, type: 'Opaque', stringData: secret }, K8S_YAML)}`, mode: ENV_FILE_MODE });
  }
  return { files, warnings };
}
