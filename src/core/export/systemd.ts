/**
 * systemd: an `APP.target` and one unit per instance, plus the env file for `EnvironmentFile=`.
 */
import { ENV_FILE_MODE, envHeader, execCommand, type ExportFile, ExportError, type ExportInput, type ExportResult, notRunnable, plan, uniqueNames } from './common';

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

export function exportSystemd(input: ExportInput): ExportResult {
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
