/**
 * The Procfile TextMate grammar (syntaxes/procfile.tmLanguage.json), tokenised with vscode-textmate and
 * vscode-oniguruma as VS Code does: fixture Procfiles from test/fixtures/grammar are split into lines
 * like the editor splits them and tokenised line by line, the rule stack carried from line to line.
 * VS Code's shellscript grammar (scope `source.shell`) is not in this repository, so a small stub
 * with the same scope name stands in for it: its scopes in a command prove the command is handed to
 * the shell grammar.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createOnigScanner, createOnigString, loadWASM } from 'vscode-oniguruma';
import { INITIAL, Registry, parseRawGrammar, type IGrammar, type IToken, type StateStack } from 'vscode-textmate';
import { parseProcfile } from '../../src/core/procfile';
import { FIXTURES, ROOT } from './support/cli';

const GRAMMAR_PATH = join(ROOT, 'syntaxes/procfile.tmLanguage.json');

const NAME = 'entity.name.function.process-type.procfile';
const COLON = 'punctuation.separator.key-value.procfile';
const ENTRY = 'meta.process-type.procfile';
const COMMAND = 'meta.embedded.line.shell';
const COMMENT = 'comment.line.number-sign.procfile';
const COMMENT_HASH = 'punctuation.definition.comment.procfile';

/** Stands in for VS Code's shellscript grammar: a few rules, each with a `.shell` scope. */
const SHELL_STUB = {
  scopeName: 'source.shell',
  patterns: [
    { match: '(?<=^|\\s)#.*$', name: 'comment.line.number-sign.shell' },
    // begin/end, like the real grammar's strings: an unclosed quote must not outlive its line.
    { begin: '"', end: '"', name: 'string.quoted.double.shell', patterns: [{ include: '#variable' }] },
    { include: '#variable' },
    { match: '\\b(exec|bundle|npm|node)\\b', name: 'support.function.builtin.shell' },
  ],
  repository: {
    variable: {
      patterns: [
        { match: '\\$\\{[^}]*\\}', name: 'variable.other.bracket.shell' },
        { match: '\\$[A-Za-z_][A-Za-z0-9_]*', name: 'variable.other.normal.shell' },
      ],
    },
  },
};

/** One line as the editor holds it, with its tokens. */
interface Line {
  text: string;
  tokens: IToken[];
  /** The rule stack after the line, carried to the next one. */
  stack: StateStack;
}

let grammar: IGrammar;
/** The scopes the registry asked for while loading source.procfile, in order. */
const requested: string[] = [];

async function loadGrammar(): Promise<IGrammar> {
  // createRequire: esbuild bundles this file and would flag a bare require.resolve of a non-JS file.
  await loadWASM(readFileSync(createRequire(__filename).resolve('vscode-oniguruma/release/onig.wasm')));
  const registry = new Registry({
    onigLib: Promise.resolve({ createOnigScanner, createOnigString }),
    loadGrammar: async (scopeName) => {
      requested.push(scopeName);
      if (scopeName === 'source.procfile') return parseRawGrammar(readFileSync(GRAMMAR_PATH, 'utf8'), GRAMMAR_PATH);
      if (scopeName === 'source.shell') return parseRawGrammar(JSON.stringify(SHELL_STUB), 'shell-stub.json');
      return null;
    },
  });
  const loaded = await registry.loadGrammar('source.procfile');
  assert.ok(loaded, 'source.procfile loads');
  return loaded;
}

/** Tokenises text line by line, keeping the rule stack across lines. VS Code splits on \r\n, \r and \n. */
function tokenize(text: string, split: RegExp = /\r\n|\r|\n/): Line[] {
  let stack: StateStack = INITIAL;
  return text.split(split).map((line) => {
    const result = grammar.tokenizeLine(line, stack);
    stack = result.ruleStack;
    return { text: line, tokens: result.tokens, stack };
  });
}

/** Reads and tokenises test/fixtures/grammar/<name> (as bytes decoded as UTF-8: a BOM stays). */
const fixture = (name: string): Line[] => tokenize(readFileSync(join(FIXTURES, 'grammar', name), 'utf8'));

/** The first line that starts with `prefix` (a BOM before it is ignored). */
function lineStarting(lines: Line[], prefix: string): Line {
  const line = lines.find((l) => l.text.replace(/^\ufeff/, '').startsWith(prefix));
  assert.ok(line, `no line starts with ${JSON.stringify(prefix)}`);
  return line;
}

/** The scopes shared by every character of the first occurrence of `substring` on the line. */
function scopesAt(line: Line, substring: string): string[] {
  const start = line.text.indexOf(substring);
  assert.notEqual(start, -1, `${JSON.stringify(substring)} not in ${JSON.stringify(line.text)}`);
  const end = start + substring.length;
  const covering = line.tokens.filter((t) => t.startIndex < end && t.endIndex > start);
  return covering.map((t) => t.scopes).reduce((common, scopes) => common.filter((s) => scopes.includes(s)));
}

/** Every scope used anywhere on the line. */
const lineScopes = (line: Line): Set<string> => new Set(line.tokens.flatMap((t) => t.scopes));

/** The text of the line's tokens that carry `scope`, joined. */
const textWith = (line: Line, scope: string): string =>
  line.tokens.filter((t) => t.scopes.includes(scope)).map((t) => line.text.slice(t.startIndex, t.endIndex)).join('');

/** Asserts the line is an entry: name, colon and (unless `command` is null) the command as embedded shell. */
function assertEntry(line: Line, name: string, command: string | null): void {
  assert.deepEqual(scopesAt(line, name), ['source.procfile', ENTRY, NAME], `name of ${JSON.stringify(line.text)}`);
  assert.equal(textWith(line, NAME), name);
  assert.deepEqual(scopesAt(line, ':'), ['source.procfile', ENTRY, COLON], `colon of ${JSON.stringify(line.text)}`);
  assert.equal(textWith(line, COMMAND), command ?? '', `command of ${JSON.stringify(line.text)}`);
  if (command !== null) assert.deepEqual(scopesAt(line, command).slice(0, 3), ['source.procfile', ENTRY, COMMAND]);
}

/** Asserts the line gets no entry scope at all: it does not run, so nothing on it looks like a name. */
function assertNotEntry(line: Line): void {
  const scopes = lineScopes(line);
  for (const scope of [NAME, COLON, ENTRY, COMMAND]) assert.ok(!scopes.has(scope), `${scope} on ${JSON.stringify(line.text)}`);
}

describe('Procfile grammar (syntaxes/procfile.tmLanguage.json)', () => {
  before(async () => {
    grammar = await loadGrammar();
  });

  it('is source.procfile and hands commands to source.shell (the scope of VS Code\'s shellscript grammar)', () => {
    const raw = JSON.parse(readFileSync(GRAMMAR_PATH, 'utf8'));
    assert.equal(raw.scopeName, 'source.procfile');
    assert.match(JSON.stringify(raw), /"include":"source\.shell"/);
  });

  it('makes the registry load source.shell with source.procfile (vscode-textmate follows patterns, not captures)', () => {
    assert.deepEqual(requested, ['source.procfile', 'source.shell']);
  });

  it('scopes a Rails Procfile: names, colons, commands as shell, $PORT and ${VAR:-default} as shell variables', () => {
    const lines = fixture('Procfile.rails');
    assertEntry(lineStarting(lines, 'web:'), 'web', 'bundle exec puma -C config/puma.rb -p $PORT');
    assertEntry(lineStarting(lines, 'worker:'), 'worker', 'bundle exec sidekiq -c ${SIDEKIQ_CONCURRENCY:-5} -q default');
    assertEntry(lineStarting(lines, 'release:'), 'release', 'bundle exec rails db:migrate');

    const web = lineStarting(lines, 'web:');
    assert.deepEqual(scopesAt(web, '$PORT'), ['source.procfile', ENTRY, COMMAND, 'variable.other.normal.shell']);
    assert.deepEqual(scopesAt(web, 'bundle'), ['source.procfile', ENTRY, COMMAND, 'support.function.builtin.shell']);
    assert.deepEqual(scopesAt(web, ' -C config/puma.rb -p '), ['source.procfile', ENTRY, COMMAND]);
    const worker = lineStarting(lines, 'worker:');
    assert.deepEqual(scopesAt(worker, '${SIDEKIQ_CONCURRENCY:-5}'), ['source.procfile', ENTRY, COMMAND, 'variable.other.bracket.shell']);
    const release = lineStarting(lines, 'release:');
    assert.ok(!scopesAt(release, 'db:migrate').includes(COLON), 'a colon inside the command is the shell\'s');
  });

  it('scopes comment lines, indented ones too, with the # as punctuation', () => {
    const rails = fixture('Procfile.rails');
    const comment = lineStarting(rails, '#');
    assert.deepEqual(scopesAt(comment, '#'), ['source.procfile', COMMENT, COMMENT_HASH]);
    assert.deepEqual(scopesAt(comment, 'Rails on Heroku: the web dyno'), ['source.procfile', COMMENT]);
    assert.ok(!lineScopes(comment).has(NAME), 'a colon in a comment makes no name');

    const edge = fixture('Procfile.edge');
    const indented = lineStarting(edge, '  #');
    assert.deepEqual(scopesAt(indented, '#'), ['source.procfile', COMMENT, COMMENT_HASH]);
    assert.deepEqual(scopesAt(indented, '  '), ['source.procfile', COMMENT, 'punctuation.whitespace.comment.leading.procfile']);
    assert.deepEqual(scopesAt(indented, 'an indented comment'), ['source.procfile', COMMENT]);
    const commentedOut = lineStarting(edge, '#web:');
    assert.deepEqual(scopesAt(commentedOut, 'web: node old-server.js'), ['source.procfile', COMMENT]);
    assertNotEntry(commentedOut);
  });

  it('scopes a Node Procfile: web:npm start without a space, and a # inside a command is the shell\'s, not a Procfile comment', () => {
    const lines = fixture('Procfile.node');
    assertEntry(lineStarting(lines, 'web:'), 'web', 'npm start');
    assert.deepEqual(scopesAt(lineStarting(lines, 'web:'), 'npm'), ['source.procfile', ENTRY, COMMAND, 'support.function.builtin.shell']);

    const worker = lineStarting(lines, 'worker:');
    assertEntry(worker, 'worker', 'node worker.js --queue "jobs high" # a shell comment, not a Procfile one');
    assert.deepEqual(scopesAt(worker, '"jobs high"'), ['source.procfile', ENTRY, COMMAND, 'string.quoted.double.shell']);
    const hash = scopesAt(worker, '# a shell comment');
    assert.ok(!hash.includes(COMMENT) && !hash.includes(COMMENT_HASH), `# in a command: ${hash.join(' ')}`);
    assert.deepEqual(hash, ['source.procfile', ENTRY, COMMAND, 'comment.line.number-sign.shell']);

    const clock = lineStarting(lines, 'clock:');
    assertEntry(clock, 'clock', 'exec node clock.js --port=$PORT');
    assert.deepEqual(scopesAt(clock, '$PORT'), ['source.procfile', ENTRY, COMMAND, 'variable.other.normal.shell']);
  });

  it('gives a name-only line (worker:, idle: with trailing blanks) the name scope but no command region', () => {
    const lines = fixture('Procfile.edge');
    assertEntry(lineStarting(lines, 'worker:'), 'worker', null);
    const idle = lineStarting(lines, 'idle:');
    assert.equal(idle.text, 'idle:   ', 'the fixture keeps its trailing blanks');
    assertEntry(idle, 'idle', null);
  });

  it('gives lines that look like entries but do not run (indented, "api : x", "api.v2: x") no entry scope', () => {
    const lines = fixture('Procfile.edge');
    for (const prefix of ['  clock:', 'api :', 'api.v2:']) {
      const line = lineStarting(lines, prefix);
      assertNotEntry(line);
      assert.deepEqual([...lineScopes(line)], ['source.procfile'], JSON.stringify(line.text));
    }
  });

  it('ends the shell region at the end of its line: an unclosed quote does not swallow the next entry', () => {
    const lines = fixture('Procfile.edge');
    const unclosed = lineStarting(lines, 'web-app_2:');
    assertEntry(unclosed, 'web-app_2', 'echo "unclosed');
    assert.deepEqual(scopesAt(unclosed, '"unclosed'), ['source.procfile', ENTRY, COMMAND, 'string.quoted.double.shell']);
    const next = lineStarting(lines, 'web:');
    assertEntry(next, 'web', 'node server.js');
    assert.ok(!lineScopes(next).has('string.quoted.double.shell'));
    const unclosedStack = unclosed.stack;
    assert.ok(unclosedStack.equals(lines[0].stack), 'the line ends in the state every other line ends in');
    assert.ok(lines.every((l) => l.stack.equals(lines[0].stack)), 'no line leaves state for the next');
  });

  it('handles CRLF line endings, also when a line keeps its \\r', () => {
    const text = readFileSync(join(FIXTURES, 'grammar/Procfile.crlf'), 'utf8');
    assert.equal(text.split('\r\n').length, 4, 'the fixture has CRLF line endings');
    // As VS Code splits (\r\n is one line break), and split on \n only (each line ends with \r).
    for (const lines of [tokenize(text), tokenize(text, /\n/)]) {
      assertEntry(lineStarting(lines, 'web:'), 'web', 'bundle exec puma -p $PORT');
      assert.deepEqual(scopesAt(lineStarting(lines, 'web:'), '$PORT'), ['source.procfile', ENTRY, COMMAND, 'variable.other.normal.shell']);
      assertEntry(lineStarting(lines, 'worker:'), 'worker', 'bundle exec sidekiq');
      assert.deepEqual(scopesAt(lineStarting(lines, '#'), '#'), ['source.procfile', COMMENT, COMMENT_HASH]);
    }
  });

  it('scopes the first name after a UTF-8 BOM (VS Code strips the BOM; other hosts may not)', () => {
    const lines = fixture('Procfile.bom');
    assert.ok(lines[0].text.startsWith('\ufeffweb:'), 'the fixture starts with a BOM');
    assertEntry(lines[0], 'web', 'npm start');
    assert.ok(!scopesAt(lines[0], '\ufeff').includes(NAME), 'the BOM is not part of the name');
    assertEntry(lines[1], 'worker', 'node worker.js');
    const stripped = tokenize(readFileSync(join(FIXTURES, 'grammar/Procfile.bom'), 'utf8').replace(/^\ufeff/, ''));
    assertEntry(stripped[0], 'web', 'npm start');
  });

  it('names exactly the lines the Procfile parser reads as process types (entries and empty commands)', () => {
    for (const name of ['Procfile.rails', 'Procfile.node', 'Procfile.edge', 'Procfile.crlf', 'Procfile.bom']) {
      const bytes = readFileSync(join(FIXTURES, 'grammar', name));
      const parsed = parseProcfile(bytes);
      const expected = new Set([...parsed.entries.map((e) => e.line), ...parsed.problems.filter((p) => p.code === 'empty-command').map((p) => p.line)]);
      const named = tokenize(bytes.toString('utf8'))
        .map((line, i) => (lineScopes(line).has(NAME) ? i + 1 : 0))
        .filter((n) => n > 0);
      assert.deepEqual(named, [...expected].sort((a, b) => a - b), name);
    }
  });
});
