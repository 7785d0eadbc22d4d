/**
 * Procfile parsing: Foreman's rule for what an entry is, plus a problem for every line that does not
 * run, so nothing is dropped silently. Pure: no file system, no `vscode`.
 */
import type { Problem, ProcfileProblemCode } from './problem';
import { decodeConfigText } from './text';

/** One line Foreman accepts as an entry (duplicates and blank commands included), in file order. */
export interface ProcfileEntry {
  /** The process type name, e.g. `web` (case-sensitive). */
  name: string;
  /** The command with trailing whitespace (and any `\r`) removed; `''` for a blank command. */
  command: string;
  /** 1-based line number. */
  line: number;
}

/**
 * A process type as it runs: one per distinct name, in the order names first appear.
 * Duplicate rule (ours; Foreman runs both under one name): the **last** definition's command runs in
 * the **first** definition's PORT slot.
 */
export interface ProcessType {
  name: string;
  command: string;
  /** 1-based line of the definition whose command runs (the last one). */
  line: number;
  /** 0-based index, among all entries, of the first definition: the PORT block (Foreman's "index"). */
  slot: number;
  /** False when the command is blank: such a type is listed but never started. */
  runnable: boolean;
}

/** The result of {@link parseProcfile}. */
export interface ParsedProcfile {
  /** Every line Foreman accepts, duplicates included (what `formation check --json` prints). */
  entries: ProcfileEntry[];
  /** Distinct process types with the duplicate rule applied. */
  types: ProcessType[];
  problems: Problem<ProcfileProblemCode>[];
}

/** Foreman 0.87's entry rule (`/^([A-Za-z0-9_-]+):\s*(.+)$/`), in JavaScript terms. */
const ENTRY = /^([A-Za-z0-9_-]+):[ \t\r\n\f\v]*([^\n]+)$/;
const BLANK = /^[ \t\r\f\v]*$/;
const COMMENT = /^[ \t\f\v]*#/;
const INDENT = /^[ \t\f\v]+/;
const SPACE_BEFORE_COLON = /^([A-Za-z0-9_-]+)([ \t]+):/;
/** Something that looks like a name followed by a colon, with characters Foreman does not allow. */
const BAD_NAME = /^([^\s:#]+):/;
const NAME_ONLY = /^([A-Za-z0-9_-]+):[ \t\r\f\v]*$/;

const ALLOWED = 'A-Z a-z 0-9 _ -';

/**
 * Parses Procfile text or bytes. Foreman's rule: `\r\n` → `\n`, split on `\n`, an entry is a line
 * matching `/^([A-Za-z0-9_-]+):\s*(.+)$/`. Deliberate differences from Foreman: a UTF-8 BOM is
 * stripped, a trailing `\r` never stays in a command, a file that is not UTF-8 gives no entries and a
 * `not-utf8` error, and every non-blank, non-comment line that is not an entry becomes a problem.
 * Never throws, whatever the input.
 *
 * @param input raw file bytes, or text (an editor buffer)
 */
export function parseProcfile(input: Uint8Array | string): ParsedProcfile {
  const decoded = decodeConfigText(input);
  if (decoded.error !== undefined) {
    return { entries: [], types: [], problems: [problem(1, 1, 2, 'error', 'not-utf8', `Procfile cannot be read: ${decoded.error}`)] };
  }
  const entries: ProcfileEntry[] = [];
  const problems: Problem<ProcfileProblemCode>[] = [];
  const lines = decoded.text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index];
    const lineNo = index + 1;
    if (BLANK.test(raw) || COMMENT.test(raw)) continue;
    const match = ENTRY.exec(raw);
    if (match) {
      const entry = { name: match[1], command: match[2].replace(/[\s]+$/, ''), line: lineNo };
      entries.push(entry);
      problems.push(...entryHints(raw, entry));
    } else {
      problems.push(classifyNonEntry(raw, lineNo));
    }
  }
  const types = toProcessTypes(entries, problems);
  if (!types.some((t) => t.runnable)) {
    problems.unshift(problem(1, 1, 1, 'error', 'no-entries', 'no process types defined: add a line such as "web: npm start"'));
  }
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  return { entries, types, problems };
}

/** Problems for a line Foreman accepts: blank command, portability hints. */
function entryHints(raw: string, entry: ProcfileEntry): Problem<ProcfileProblemCode>[] {
  const found: Problem<ProcfileProblemCode>[] = [];
  const colon = entry.name.length; // 0-based index of ':'
  if (entry.command === '') {
    found.push(problem(entry.line, 1, colon + 2, 'error', 'empty-command', `process type "${entry.name}" has an empty command; it is not started`));
    return found;
  }
  if (!/[ \t]/.test(raw.charAt(colon + 1))) {
    found.push(problem(entry.line, colon + 1, colon + 2, 'info', 'no-space-after-colon',
      `no space after "${entry.name}:"; Overmind and Hivemind ignore this line (write "${entry.name}: ${entry.command.length > 20 ? `${entry.command.slice(0, 20)}…` : entry.command}")`));
  }
  if (entry.name.includes('-')) {
    found.push(problem(entry.line, 1, colon + 1, 'info', 'dash-in-name',
      `"${entry.name}" contains "-", which "heroku local" rejects; "${entry.name.replace(/-/g, '_')}" is portable`));
  }
  return found;
}

/** Explains why a non-blank, non-comment line is not an entry. */
function classifyNonEntry(raw: string, line: number): Problem<ProcfileProblemCode> {
  const indent = INDENT.exec(raw);
  if (indent) {
    const rest = raw.slice(indent[0].length);
    if (ENTRY.test(rest) || SPACE_BEFORE_COLON.test(rest) || BAD_NAME.test(rest)) {
      return problem(line, 1, indent[0].length + 1, 'warning', 'indented-entry',
        'indented line is not a process entry and does not run (Foreman ignores it); remove the indentation');
    }
  }
  const spaced = SPACE_BEFORE_COLON.exec(raw);
  if (spaced) {
    const start = spaced[1].length + 1;
    return problem(line, start, start + spaced[2].length, 'warning', 'space-before-colon',
      `space before the colon: "${spaced[1]} :" is not a process entry and does not run; write "${spaced[1]}:"`);
  }
  const named = NAME_ONLY.exec(raw);
  if (named) {
    return problem(line, 1, named[1].length + 2, 'error', 'empty-command', `process type "${named[1]}" has no command; it is not started`);
  }
  const bad = BAD_NAME.exec(raw);
  if (bad) {
    const shown = bad[1].length > 60 ? `${bad[1].slice(0, 60)}…` : bad[1];
    return problem(line, 1, bad[1].length + 1, 'error', 'invalid-name',
      `invalid process type "${shown}" (allowed: ${ALLOWED}); this line does not run`);
  }
  return problem(line, 1, Math.min(raw.length, 1000) + 1, 'error', 'not-an-entry',
    'not a "name: command" entry; this line does not run (a comment starts with #)');
}

/** Applies the duplicate rule and marks blank commands; adds a `duplicate-type` warning per repeat,
 * naming the first line (the PORT block) and the last (the command that runs). */
function toProcessTypes(entries: ProcfileEntry[], problems: Problem<ProcfileProblemCode>[]): ProcessType[] {
  const byName = new Map<string, ProcessType>();
  entries.forEach((entry, slot) => {
    const type = byName.get(entry.name);
    if (type) {
      type.command = entry.command;
      type.line = entry.line;
      type.runnable = entry.command !== '';
    } else {
      byName.set(entry.name, { name: entry.name, command: entry.command, line: entry.line, slot, runnable: entry.command !== '' });
    }
  });
  for (const entry of entries) {
    const type = byName.get(entry.name)!;
    const first = entries[type.slot].line;
    if (entry.line === first) continue;
    const outcome = type.runnable ? `line ${type.line}'s command runs, with line ${first}'s PORT` : `line ${type.line} has an empty command, so "${type.name}" does not run`;
    problems.push(problem(entry.line, 1, entry.name.length + 1, 'warning', 'duplicate-type',
      `duplicate process type "${entry.name}" (first defined on line ${first}); ${outcome}`));
  }
  return [...byName.values()];
}

function problem(line: number, column: number, endColumn: number, severity: Problem['severity'], code: ProcfileProblemCode, message: string): Problem<ProcfileProblemCode> {
  return { line, column, endColumn, severity, code, message };
}
