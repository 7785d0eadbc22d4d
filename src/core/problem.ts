/**
 * A finding about a line of a Procfile or an env file. Shared by the parser, the CLI (`formation
 * check`) and, later, the editor's Problems panel, so codes are stable identifiers: add new ones,
 * never rename one.
 */

/** How bad a problem is. `error`: the line does not run (or the file cannot be read); `warning`: the
 * line does not run or runs differently from what it looks like; `info`: portability advice. */
export type Severity = 'error' | 'warning' | 'info';

/** Stable problem codes for Procfiles (documented in README "Problem codes"). */
export type ProcfileProblemCode =
  | 'not-found'
  | 'not-utf8'
  | 'no-entries'
  | 'indented-entry'
  | 'space-before-colon'
  | 'invalid-name'
  | 'not-an-entry'
  | 'empty-command'
  | 'duplicate-type'
  | 'no-space-after-colon'
  | 'dash-in-name';

/** Stable problem codes for env files (documented in README "Problem codes"). */
export type EnvProblemCode =
  | 'env-not-utf8'
  | 'env-invalid-line'
  | 'env-invalid-key'
  | 'env-unterminated-quote'
  | 'env-trailing-text'
  | 'env-command-substitution'
  | 'env-bare-export'
  | 'env-unusable-key'
  | 'env-file-missing';

/** One problem. `line` and `column` are 1-based; `endColumn` is exclusive (1-based) and lets an
 * editor underline the right span; it is not part of `formation check --json`. */
export interface Problem<Code extends string = ProcfileProblemCode | EnvProblemCode> {
  line: number;
  column: number;
  endColumn: number;
  severity: Severity;
  code: Code;
  message: string;
}

/** Formats a problem the way compilers do: `FILE:LINE:COL: severity: message [code]`. */
export function formatProblem(file: string, problem: Problem): string {
  return `${file}:${problem.line}:${problem.column}: ${problem.severity}: ${problem.message} [${problem.code}]`;
}
