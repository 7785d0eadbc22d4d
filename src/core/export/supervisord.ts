/**
 * supervisord: one program per process type (`numprocs`) and a group, plus an env file sourced by `/bin/sh`.
 */
import { ENV_FILE_MODE, envHeader, execCommand, ExportError, type ExportInput, type ExportResult, notRunnable, plan, uniqueNames } from './common';

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

export function exportSupervisord(input: ExportInput): ExportResult {
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
