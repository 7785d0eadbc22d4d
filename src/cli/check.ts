/**
 * `formation check`: validates a Procfile like `foreman check`, with every problem located.
 */
import { formatProblem, type Problem } from '../core/problem';
import { projectPaths, type ProjectFlags, readProcfile } from './project';

/** The `--json` document: exactly these fields, whatever the input. */
export interface CheckReport {
  entries: { name: string; command: string; line: number }[];
  problems: Pick<Problem, 'line' | 'column' | 'severity' | 'code' | 'message'>[];
}

/**
 * Runs `formation check [-f FILE] [--json]`.
 *
 * @param print receives the whole output (one JSON document with `--json`)
 * @returns 0 without errors, 1 with errors (a missing Procfile is an error)
 */
export function check(flags: ProjectFlags & { json?: boolean }, print: (text: string) => void, cwd = process.cwd()): number {
  const paths = projectPaths(flags, cwd);
  const read = readProcfile(paths);
  const parsed = 'error' in read ? undefined : read;
  const report: CheckReport = parsed
    ? {
        entries: parsed.entries.map(({ name, command, line }) => ({ name, command, line })),
        problems: parsed.problems.map(({ line, column, severity, code, message }) => ({ line, column, severity, code, message })),
      }
    : { entries: [], problems: [{ line: 1, column: 1, severity: 'error', code: 'not-found', message: (read as { error: string }).error }] };
  const failed = report.problems.some((p) => p.severity === 'error');
  if (flags.json) {
    print(JSON.stringify(report, null, 2) + '\n');
  } else {
    const lines = report.problems.map((p) => formatProblem(paths.procfileLabel, { ...p, endColumn: p.column } as Problem));
    if (!failed) lines.push(`valid procfile detected (${[...new Set(parsed?.types.filter((t) => t.runnable).map((t) => t.name))].join(', ')})`);
    print(lines.join('\n') + '\n');
  }
  return failed ? 1 : 0;
}
