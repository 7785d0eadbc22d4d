/**
 * `.env` file parsing: dotenv conventions (motdotla/dotenv, bkeepers/dotenv, python-dotenv) with a
 * line number for every problem. Reading a file never executes anything: `$(…)` and backticks stay
 * literal text.
 */
import type { EnvProblemCode, Problem } from './problem';
import { decodeConfigText } from './text';

/** One `KEY=value` assignment, value already unquoted, unescaped and expanded. */
export interface EnvAssignment {
  key: string;
  value: string;
  /** 1-based line of the key. */
  line: number;
}

/** The result of {@link parseEnvFile}. Later assignments of a key win. */
export interface ParsedEnvFile {
  assignments: EnvAssignment[];
  problems: Problem<EnvProblemCode>[];
}

/** Looks up a variable for `${VAR}` expansion; `undefined` when unset. */
export type EnvLookup = (name: string) => string | undefined;

const KEY = /^([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*=[ \t]*/;
/** A name `/bin/sh` passes on to programs (it drops names with `.` or `-` from the environment). */
const PORTABLE_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const EXPORT = /^export[ \t]+/;

/**
 * Parses one env file.
 *
 * Rules: blank lines and lines starting with `#` are skipped; an optional `export ` prefix is
 * dropped (a bare `export NAME` is an `env-bare-export` warning); `KEY=value` splits at the first `=`. Values:
 * - unquoted: up to the end of the line; ` #` (whitespace then `#`) starts a comment, a `#` without
 *   whitespace before it is kept (`abc#123`); trailing whitespace trimmed; `${VAR}` expanded;
 * - `"double"`: may span lines; escapes `\n \r \t \" \\ \$`; `${VAR}` expanded;
 * - `'single'` and `` `backtick` ``: may span lines; literal (no escapes, no expansion); backticks
 *   also get an `env-command-substitution` warning, since a shell would run their content.
 * Expansion (`$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`) reads earlier keys of this file,
 * then `lookup` (earlier files and the inherited environment); unset is `''`. `$(…)` is never run:
 * it stays literal with an `env-command-substitution` warning.
 * An unterminated quote is an `env-unterminated-quote` error on the line that opened it, the key is
 * not set, and parsing resumes on the next line, so later keys are not lost. Never throws.
 *
 * @param input raw bytes or text
 * @param lookup variables visible to `${VAR}` besides this file's earlier keys
 */
export function parseEnvFile(input: Uint8Array | string, lookup: EnvLookup = () => undefined): ParsedEnvFile {
  const decoded = decodeConfigText(input);
  const problems: Problem<EnvProblemCode>[] = [];
  const assignments: EnvAssignment[] = [];
  if (decoded.error !== undefined) {
    problems.push(problem(1, 1, 2, 'error', 'env-not-utf8', `env file cannot be read: ${decoded.error}`));
    return { assignments, problems };
  }
  const lines = decoded.text.split('\n');
  const local = new Map<string, string>();
  const resolve: EnvLookup = (name) => (local.has(name) ? local.get(name) : lookup(name));

  let index = 0;
  while (index < lines.length) {
    const lineNo = index + 1;
    const raw = lines[index].replace(/\r$/, '');
    const trimmedStart = raw.replace(/^[ \t]+/, '');
    if (trimmedStart === '' || trimmedStart.startsWith('#')) {
      index++;
      continue;
    }
    const afterExport = trimmedStart.replace(EXPORT, '');
    const offset = raw.length - afterExport.length; // 0-based column where the key starts
    const key = KEY.exec(afterExport);
    const bareExport = /^export[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]*$/.exec(trimmedStart);
    if (!key && bareExport) {
      // `export NAME` in a file shared with `source .env` exports a shell variable; it sets nothing.
      problems.push(problem(lineNo, offset + 1, raw.length + 1, 'warning', 'env-bare-export',
        `"export ${bareExport[1]}" sets no value; it is ignored (write ${bareExport[1]}=value to set one)`));
      index++;
      continue;
    }
    if (!key) {
      const eq = afterExport.indexOf('=');
      if (eq > 0) {
        problems.push(problem(lineNo, offset + 1, offset + eq + 1, 'error', 'env-invalid-key',
          `invalid variable name "${afterExport.slice(0, Math.min(eq, 60)).trim()}" (letters, digits and _, not starting with a digit)`));
      } else {
        problems.push(problem(lineNo, offset + 1, raw.length + 1, 'error', 'env-invalid-line', 'not a KEY=value line'));
      }
      index++;
      continue;
    }
    const name = key[1];
    if (!PORTABLE_KEY.test(name)) {
      problems.push(problem(lineNo, offset + 1, offset + name.length + 1, 'warning', 'env-unusable-key',
        `"${name}" contains "." or "-": /bin/sh drops such names, so no process would see it; ignored`));
    }
    const valueColumn = offset + key[0].length; // 0-based
    const valueText = raw.slice(valueColumn);
    const quote = valueText.charAt(0);
    const ctx: ValueContext = { line: lineNo, column: valueColumn, problems, resolve };
    if (quote === '"' || quote === "'" || quote === '`') {
      const closed = readQuoted(lines, index, valueColumn, quote);
      if (!closed) {
        problems.push(problem(lineNo, valueColumn + 1, raw.length + 1, 'error', 'env-unterminated-quote',
          `unterminated ${quote === '"' ? 'double' : quote === "'" ? 'single' : 'backtick'}-quoted value for ${name}; ${name} is not set`));
        index++;
        continue;
      }
      if (quote === '`') {
        problems.push(problem(lineNo, valueColumn + 1, valueColumn + 2, 'warning', 'env-command-substitution',
          `backticks around ${name}'s value are taken as quotes; the command inside is not run`));
      }
      const value = quote === '"' ? expandDouble(closed.inner, ctx) : closed.inner;
      const rest = closed.rest.replace(/\r$/, '');
      if (!/^[ \t]*(#.*)?$/.test(rest)) {
        problems.push(problem(closed.endLine + 1, lines[closed.endLine].length - rest.length + 1, lines[closed.endLine].length + 1, 'warning', 'env-trailing-text',
          `text after the closing quote of ${name} is ignored`));
      }
      set(name, value, lineNo);
      index = closed.endLine + 1;
    } else {
      const comment = /[ \t]#/.exec(valueText);
      const unquoted = (comment ? valueText.slice(0, comment.index) : valueText).replace(/[ \t]+$/, '');
      set(name, expandUnquoted(unquoted, ctx), lineNo);
      index++;
    }
  }
  return { assignments, problems };

  function set(key: string, value: string, line: number): void {
    if (!PORTABLE_KEY.test(key)) return;
    local.set(key, value);
    assignments.push({ key, value, line });
  }
}

interface ValueContext {
  line: number;
  column: number;
  problems: Problem<EnvProblemCode>[];
  resolve: EnvLookup;
}

/** Reads a quoted value from `lines[start]` at `column` (the opening quote) up to the closing quote,
 * across lines; backslash escapes are skipped over only inside double quotes. */
function readQuoted(lines: string[], start: number, column: number, quote: string): { inner: string; rest: string; endLine: number } | undefined {
  let inner = '';
  let pos = column + 1;
  for (let line = start; line < lines.length; line++, pos = 0) {
    const text = lines[line];
    for (; pos < text.length; pos++) {
      const ch = text[pos];
      if (ch === quote) return { inner, rest: text.slice(pos + 1), endLine: line };
      if (quote === '"' && ch === '\\' && pos + 1 < text.length) {
        inner += ch + text[++pos];
        continue;
      }
      inner += ch;
    }
    if (line + 1 < lines.length) inner += '\n';
  }
  return undefined;
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\', $: '$' };

function expandDouble(inner: string, ctx: ValueContext): string {
  return expand(inner, ctx, (next) => ESCAPES[next]);
}

function expandUnquoted(text: string, ctx: ValueContext): string {
  return expand(text, ctx, (next) => (next === '$' ? '$' : undefined));
}

/**
 * Walks `text` once: backslash escapes (as `escape` allows) and `$` references. Expanded values are
 * inserted as they are, never re-scanned, so a value cannot inject further expansion.
 */
function expand(text: string, ctx: ValueContext, escape: (next: string) => string | undefined): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      const replaced = escape(text[i + 1]);
      if (replaced !== undefined) {
        out += replaced;
        i++;
        continue;
      }
      out += c;
      continue;
    }
    if (c !== '$') {
      out += c;
      continue;
    }
    const rest = text.slice(i + 1);
    const braced = /^\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}/.exec(rest);
    if (braced) {
      const value = ctx.resolve(braced[1]);
      const useDefault = braced[2] === ':-' ? !value : braced[2] === '-' ? value === undefined : false;
      out += useDefault ? expand(braced[3], ctx, escape) : value ?? '';
      i += braced[0].length;
      continue;
    }
    const bare = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (bare) {
      out += ctx.resolve(bare[0]) ?? '';
      i += bare[0].length;
      continue;
    }
    if (rest.startsWith('(')) {
      ctx.problems.push(problem(ctx.line, ctx.column + 1, ctx.column + 2, 'warning', 'env-command-substitution',
        'command substitution "$(…)" is not run when reading an env file; the text is kept literally'));
    }
    out += c;
  }
  return out;
}

function problem(line: number, column: number, endColumn: number, severity: Problem['severity'], code: EnvProblemCode, message: string): Problem<EnvProblemCode> {
  return { line, column, endColumn, severity, code, message };
}
