/**
 * Editor support for Procfiles, as pure functions over the text: quick fixes for the problems
 * {@link parseProcfile} reports, comment blocks to fold, and entry symbols for the outline. No file
 * system, no `vscode`: the extension maps the results to `vscode` types, and the CLI can apply the
 * same edits with {@link applyEdits}.
 *
 * Coordinates are those of {@link parseProcfile} and of its problems: lines are 1-based and split on
 * `\n` (a `\r` before the `\n` is part of the line break, never of the line); columns are 1-based
 * UTF-16 code units, end exclusive; a UTF-8 BOM (`\uFEFF` at the start of the text) is not counted, so
 * column 1 of line 1 is the first character after it (VS Code does not show the BOM in a document
 * either). Line breaks (`\n` or `\r\n`) and the BOM are kept by every edit unless an edit covers them.
 */
import { parseProcfile } from './procfile';
import type { Problem, ProcfileProblemCode } from './problem';

/**
 * A replacement of a range of the text by `newText`. The range starts at (`line`, `startColumn`) and
 * ends, exclusive, at (`endLine ?? line`, `endColumn`); positions are 1-based. A column is at most
 * the line's length + 1 (just before its line break): a range never ends inside a `\r\n`.
 *
 * Convention: an editor maps an edit 1:1 to `new vscode.Range(line - 1, startColumn - 1,
 * (endLine ?? line) - 1, endColumn - 1)`. An edit within one line has no `endLine`. Deleting whole
 * line N with its line break is `{ line: N, startColumn: 1, endLine: N + 1, endColumn: 1, newText: '' }`
 * (from its start to the start of the next line); the last line of a file, which has no next line,
 * is deleted from the end of the line before it to its own end. Edits of one fix never overlap and
 * refer to the original text (apply them all at once, as `WorkspaceEdit` and {@link applyEdits} do).
 */
export interface ProcfileTextEdit {
  /** 1-based line of the start. */
  line: number;
  /** 1-based column of the start (UTF-16 code units, BOM not counted). */
  startColumn: number;
  /** 1-based line of the end; absent: the same as `line`. */
  endLine?: number;
  /** 1-based column of the end, exclusive; at most the end line's length + 1. */
  endColumn: number;
  /** The replacement text (`''` deletes, an empty range inserts). */
  newText: string;
}

/** One quick fix for one problem: a title for the light-bulb menu and the edits that make it. */
export interface ProcfileFix {
  /** What the fix does, e.g. "Rename to `web2`". */
  title: string;
  /** The code of the problem it fixes. */
  code: ProcfileProblemCode;
  /** Non-overlapping edits against the text the fix was computed for. */
  edits: ProcfileTextEdit[];
  /** True when the fix is the obvious one and safe to apply without reading it (VS Code's
   * `isPreferred`: used by "Auto Fix" and fix-all). */
  preferred: boolean;
}

/** Two or more consecutive comment lines, for folding: 1-based, both ends inclusive. */
export interface ProcfileCommentBlock {
  startLine: number;
  endLine: number;
}

/** One entry line, for the outline and breadcrumbs. Columns are 1-based, ends exclusive (BOM not
 * counted). */
export interface ProcfileEntrySymbol {
  /** The process type name, e.g. `web`. */
  name: string;
  /** 1-based line. */
  line: number;
  /** Always 1: an entry starts at the start of its line. */
  nameStartColumn: number;
  /** Column of the colon (the end of the name, exclusive). */
  nameEndColumn: number;
  /** First column of the command; for a blank command, the column just after the colon. */
  commandStartColumn: number;
  /** End of the command, exclusive, trailing whitespace not included; equals `commandStartColumn`
   * for a blank command. */
  commandEndColumn: number;
  /** The command as {@link parseProcfile} reports it (trailing whitespace removed). */
  command: string;
}

/** A line as {@link parseProcfile} sees it, and where its column 1 is in the raw text. */
interface SourceLine {
  /** The line without its line break (`\n` or `\r\n`) and, on line 1, without the BOM. */
  text: string;
  /** 0-based index in the raw text of the line's first character (after the BOM on line 1). */
  offset: number;
}

/** The parser's comment rule: `#` after optional blanks. */
const COMMENT = /^[ \t\f\v]*#/;
/** A name followed directly by a colon, as in an entry (the parser's name rule). */
const NAME_COLON = /^([A-Za-z0-9_-]+):/;
/** Anything up to the first colon that could be meant as a name (the parser's `invalid-name` rule). */
const ANY_NAME_COLON = /^([^\s:#]+):/;
/** A line that is or looks like an entry (indented, or with blanks before the colon): its name is
 * taken, so a rename never picks it. */
const NAME_LIKE = /^[ \t\f\v]*([A-Za-z0-9_-]+)[ \t]*:/;

/**
 * Splits the text into lines exactly as {@link parseProcfile} does (BOM stripped, `\r\n` → `\n`, split
 * on `\n`; a lone `\r` stays in its line), remembering where each line starts in the raw text.
 */
function sourceLines(text: string): SourceLine[] {
  const lines: SourceLine[] = [];
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (;;) {
    const newline = text.indexOf('\n', start);
    if (newline === -1) {
      lines.push({ text: text.slice(start), offset: start });
      return lines;
    }
    const end = newline > start && text.charCodeAt(newline - 1) === 0x0d ? newline - 1 : newline;
    lines.push({ text: text.slice(start, end), offset: start });
    start = newline + 1;
  }
}

/**
 * Applies edits to the text, all against the original coordinates (the order of `edits` does not
 * matter, except that insertions at the same position keep it). Line breaks and a BOM outside the
 * edited ranges are kept byte for byte. For tests and the CLI; the editor uses a `WorkspaceEdit`.
 *
 * @param text the Procfile text the edits were computed for (`\n` or `\r\n`, optional BOM)
 * @param edits edits in the {@link ProcfileTextEdit} convention
 * @returns the edited text
 * @throws RangeError when a position is outside the text (or inside a line break), a range ends
 *   before it starts, or two ranges overlap
 */
export function applyEdits(text: string, edits: readonly ProcfileTextEdit[]): string {
  const lines = sourceLines(text);
  const offsetOf = (line: number, column: number): number => {
    const source = Number.isInteger(line) ? lines[line - 1] : undefined;
    if (source === undefined || !Number.isInteger(column) || column < 1 || column > source.text.length + 1) {
      throw new RangeError(`position ${line}:${column} is outside the text`);
    }
    return source.offset + column - 1;
  };
  const spans = edits.map((edit, index) => {
    const start = offsetOf(edit.line, edit.startColumn);
    const end = offsetOf(edit.endLine ?? edit.line, edit.endColumn);
    if (end < start) throw new RangeError(`edit at ${edit.line}:${edit.startColumn} ends before it starts`);
    return { start, end, newText: edit.newText, index };
  });
  spans.sort((a, b) => a.start - b.start || a.end - b.end || a.index - b.index);
  let result = '';
  let copied = 0;
  for (const span of spans) {
    if (span.start < copied) throw new RangeError('edits overlap');
    result += text.slice(copied, span.start) + span.newText;
    copied = span.end;
  }
  return result + text.slice(copied);
}

/**
 * Quick fixes for one problem reported by {@link parseProcfile} on this text. Empty when the problem
 * is not about one line (`not-found`, `not-utf8`, `no-entries`), or is stale: the text no longer
 * reports that code on that line. Each fix, applied, leaves a text that no longer reports the code on
 * that line (another code may remain or appear, e.g. an indented `api : x` becomes `api : x`), and a
 * rename always picks a name no other line uses, so it never creates a duplicate.
 *
 * Fixes per code (in this order when there are several). "Preferred" is always dropped when the fix
 * would add a `duplicate-type` (e.g. un-indenting `  clock: x` below `clock: y`: `x` would take over),
 * since a preferred fix may be applied without being read:
 * - `space-before-colon` (`api : cmd` is not an entry for Foreman): "Remove the space before the
 *   colon"; when nothing separates the colon from the command (`api :cmd`), the space moves after
 *   the colon. Preferred.
 * - `indented-entry` (Foreman ignores indented lines): "Remove the indentation". Preferred.
 * - `duplicate-type`: the parser reports it on every definition but the first (Foreman runs both; we
 *   run the last command in the first line's PORT slot). Two fixes, neither preferred: "Rename to
 *   `web2`" (this line gets the first free name `web2`, `web3`…; `worker1_2`… after a trailing
 *   digit), which makes an earlier command run that does not run today; and "Remove the earlier
 *   definition (line N)" / "Remove the earlier definitions (lines N, M)", which deletes every
 *   definition of the name above this line: none of their commands runs today (the last definition
 *   always wins), so the same command keeps running, only its PORT slot moves to this line's. With
 *   two definitions, either fix leaves the name unique. Neither is preferred because they disagree
 *   on what should run and one deletes lines: the user has to choose.
 * - `invalid-name` (Foreman's names are `A-Za-z0-9_-`): "Rename to `api_v2`": every other character
 *   (per code point) becomes `_`; a free name is picked if that one is taken. Preferred.
 * - `no-space-after-colon` (Overmind and Hivemind ignore `web:npm start`): "Add a space after the
 *   colon". Preferred.
 * - `dash-in-name` (`heroku local` rejects dashes): "Rename to `web_app`" (free name). Not preferred:
 *   the line runs with Foreman, the rename is advice.
 * - `empty-command` and `not-an-entry` (the line does not run): "Comment out the line" (`# ` in
 *   column 1). Not preferred: the line may need a command or a rewrite instead.
 *
 * @param text the Procfile text the problem was reported for (`\n` or `\r\n`, optional BOM)
 * @param problem a problem from `parseProcfile(text).problems` (1-based line and columns)
 * @returns the fixes, with edits in the {@link ProcfileTextEdit} convention
 */
export function quickFixes(text: string, problem: Problem<ProcfileProblemCode>): ProcfileFix[] {
  const parsed = parseProcfile(text);
  if (!parsed.problems.some((p) => p.line === problem.line && p.code === problem.code)) return [];
  const lines = sourceLines(text);
  const line = problem.line;
  const raw = lines[line - 1]?.text;
  if (raw === undefined) return [];
  const duplicates = parsed.problems.filter((p) => p.code === 'duplicate-type').length;
  // A preferred fix may be applied unread ("Auto Fix", fix-all): not when it makes the line a
  // duplicate, which can change the command that runs.
  const fix = (title: string, edits: ProcfileTextEdit[], preferred: boolean): ProcfileFix => ({
    title,
    code: problem.code,
    edits,
    preferred: preferred && parseProcfile(applyEdits(text, edits)).problems.filter((p) => p.code === 'duplicate-type').length <= duplicates,
  });
  const replace = (startColumn: number, endColumn: number, newText: string): ProcfileTextEdit => ({ line, startColumn, endColumn, newText });
  const rename = (name: string, newName: string, preferred: boolean): ProcfileFix =>
    fix(`Rename to \`${newName}\``, [replace(1, name.length + 1, newName)], preferred);

  switch (problem.code) {
    case 'space-before-colon': {
      const match = /^([A-Za-z0-9_-]+)([ \t]+):/.exec(raw);
      if (!match) return [];
      const colon = match[1].length + match[2].length; // 0-based index of ':'
      const edits = [replace(match[1].length + 1, colon + 1, '')];
      if (/\S/.test(raw.charAt(colon + 1))) edits.push(replace(colon + 2, colon + 2, ' '));
      return [fix('Remove the space before the colon', edits, true)];
    }
    case 'indented-entry': {
      const indent = /^[ \t\f\v]+/.exec(raw);
      return indent ? [fix('Remove the indentation', [replace(1, indent[0].length + 1, '')], true)] : [];
    }
    case 'duplicate-type': {
      const match = NAME_COLON.exec(raw);
      if (!match) return [];
      const name = match[1];
      const definitions = parsed.entries.filter((entry) => entry.name === name);
      const earlier = definitions.filter((entry) => entry.line < line).map((entry) => entry.line);
      if (earlier.length === 0 || !definitions.some((entry) => entry.line === line)) return [];
      const title = earlier.length === 1
        ? `Remove the earlier definition (line ${earlier[0]})`
        : `Remove the earlier definitions (lines ${earlier.join(', ')})`;
      return [
        rename(name, freeName(name, takenNames(lines, line), false), false),
        fix(title, deleteLines(lines, earlier), false),
      ];
    }
    case 'invalid-name': {
      const match = ANY_NAME_COLON.exec(raw);
      if (!match) return [];
      return [rename(match[1], freeName(match[1].replace(/[^A-Za-z0-9_-]/gu, '_'), takenNames(lines, line), true), true)];
    }
    case 'no-space-after-colon': {
      const match = NAME_COLON.exec(raw);
      if (!match) return [];
      const after = match[1].length + 2; // 1-based column just after ':'
      return [fix('Add a space after the colon', [replace(after, after, ' ')], true)];
    }
    case 'dash-in-name': {
      const match = NAME_COLON.exec(raw);
      if (!match) return [];
      return [rename(match[1], freeName(match[1].replace(/-/g, '_'), takenNames(lines, line), true), false)];
    }
    case 'empty-command':
    case 'not-an-entry':
      return [fix('Comment out the line', [replace(1, 1, '# ')], false)];
    default:
      return [];
  }
}

/** Names on every line but `except` (1-based) that is or looks like an entry: entries, blank
 * commands, indented lines and `name :` lines (the user may fix those later). Comments do not count. */
function takenNames(lines: readonly SourceLine[], except: number): Set<string> {
  const taken = new Set<string>();
  lines.forEach((source, index) => {
    if (index + 1 === except || COMMENT.test(source.text)) return;
    const match = NAME_LIKE.exec(source.text);
    if (match) taken.add(match[1]);
  });
  return taken;
}

/** `base` if allowed and free, else the first free of `base2`, `base3`… (`base_2`… when `base` ends
 * with a digit, so `api_v2` becomes `api_v2_2`, not `api_v22`). Names are case-sensitive. */
function freeName(base: string, taken: ReadonlySet<string>, allowBase: boolean): string {
  if (allowBase && !taken.has(base)) return base;
  const separator = /[0-9]$/.test(base) ? '_' : '';
  for (let n = 2; ; n++) {
    const candidate = `${base}${separator}${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** Edits deleting the given lines (1-based, ascending) with their line breaks; runs of consecutive
 * lines become one edit, so the edits never touch each other. */
function deleteLines(lines: readonly SourceLine[], numbers: readonly number[]): ProcfileTextEdit[] {
  const edits: ProcfileTextEdit[] = [];
  for (let i = 0; i < numbers.length; ) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j] + 1) j++;
    const first = numbers[i];
    const last = numbers[j];
    if (last < lines.length) {
      edits.push({ line: first, startColumn: 1, endLine: last + 1, endColumn: 1, newText: '' });
    } else if (first > 1) {
      edits.push({ line: first - 1, startColumn: lines[first - 2].text.length + 1, endLine: last, endColumn: lines[last - 1].text.length + 1, newText: '' });
    } else {
      edits.push({ line: 1, startColumn: 1, endLine: last, endColumn: lines[last - 1].text.length + 1, newText: '' });
    }
    i = j + 1;
  }
  return edits;
}

/**
 * Blocks of two or more consecutive comment lines, for folding. A comment line is the parser's: `#`
 * after optional blanks (spaces, tabs); a blank line ends a block. Lines are numbered as by
 * {@link parseProcfile} (a BOM is ignored, `\r\n` is one line break).
 *
 * @param text the Procfile text
 * @returns 1-based inclusive line ranges, in file order
 */
export function commentBlocks(text: string): ProcfileCommentBlock[] {
  const blocks: ProcfileCommentBlock[] = [];
  let start = 0;
  const lines = sourceLines(text);
  lines.forEach((source, index) => {
    if (COMMENT.test(source.text)) {
      if (start === 0) start = index + 1;
      return;
    }
    if (start !== 0 && index + 1 - start >= 2) blocks.push({ startLine: start, endLine: index });
    start = 0;
  });
  if (start !== 0 && lines.length + 1 - start >= 2) blocks.push({ startLine: start, endLine: lines.length });
  return blocks;
}

/**
 * One symbol per line Foreman accepts as an entry (its rule: `/^([A-Za-z0-9_-]+):\s*(.+)$/`, via
 * {@link parseProcfile}), in file order, duplicates and blank commands included. Indented lines,
 * `name :` lines and invalid names are not entries (Foreman ignores them) and get no symbol.
 *
 * @param text the Procfile text (`\n` or `\r\n`, optional BOM: columns on line 1 start after it)
 * @returns symbols with 1-based lines and columns, ends exclusive; a command never includes trailing
 *   whitespace or a `\r`
 */
export function entrySymbols(text: string): ProcfileEntrySymbol[] {
  const lines = sourceLines(text);
  return parseProcfile(text).entries.map((entry) => {
    const raw = lines[entry.line - 1].text;
    const nameEndColumn = entry.name.length + 1;
    // Foreman's `\s*` after the colon: the command starts at the first other character.
    const blanks = /^[ \t\r\n\f\v]*/.exec(raw.slice(nameEndColumn))![0].length;
    const commandStartColumn = entry.command === '' ? nameEndColumn + 1 : nameEndColumn + 1 + blanks;
    return {
      name: entry.name,
      line: entry.line,
      nameStartColumn: 1,
      nameEndColumn,
      commandStartColumn,
      commandEndColumn: commandStartColumn + entry.command.length,
      command: entry.command,
    };
  });
}
