/**
 * Docker Compose: one `compose.yaml` with a service per process type, plus the env file for `env_file`.
 */
import { posix } from 'node:path';
import { stringify } from 'yaml';
import { ENV_FILE_MODE, envHeader, execCommand, ExportError, type ExportInput, type ExportResult, notRunnable, plan, uniqueNames } from './common';

/** A Compose project name: lowercase letters, digits, `_` and `-`, starting with a letter or digit. */
function composeProjectName(app: string): string {
  return app.toLowerCase().replace(/[^a-z0-9_-]/g, '-').replace(/-+/g, '-').replace(/^[^a-z0-9]+/, '').replace(/[-_]+$/, '');
}

/** A value for Compose's env_file: single quotes (literal) when possible, else double quotes with escapes; `$` never interpolated. */
function composeEnvValue(value: string): string {
  if (!/['\\\n\r]/.test(value)) return `'${value}'`;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '\\$').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`;
}

export function exportCompose(input: ExportInput): ExportResult {
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
