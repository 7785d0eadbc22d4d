/**
 * Kubernetes: a Deployment per process type (a Job for `release`), a Service for web, a ConfigMap and a Secret of placeholders.
 */
import { stringify } from 'yaml';
import { ENV_FILE_MODE, execCommand, type ExportFile, ExportError, type ExportInput, type ExportResult, notRunnable, plan, splitSecrets, uniqueNames } from './common';

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

export function exportKubernetes(input: ExportInput): ExportResult {
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
