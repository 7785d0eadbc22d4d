import assert from 'node:assert/strict';
import type { Problem, ProcfileProblemCode } from '../../src/core/problem';
import { parseProcfile } from '../../src/core/procfile';
import { applyEdits, commentBlocks, entrySymbols, quickFixes, type ProcfileFix } from '../../src/core/procfileEdits';

const codes = (text: string) => parseProcfile(text).problems.map((p) => `${p.line}:${p.column} ${p.code}`);
const count = (text: string, code: ProcfileProblemCode) => parseProcfile(text).problems.filter((p) => p.code === code).length;

/** The problem with `code` on `line` of `text`; fails when the parser does not report it. */
function problemAt(text: string, line: number, code: ProcfileProblemCode): Problem<ProcfileProblemCode> {
  const found = parseProcfile(text).problems.find((p) => p.line === line && p.code === code);
  assert.ok(found, `expected ${code} on line ${line} of ${JSON.stringify(text)}; got ${codes(text).join(', ')}`);
  return found;
}

/** Where line `line` is after `fix`: line breaks removed above it move it up. */
function lineAfter(fix: ProcfileFix, line: number): number {
  let shift = 0;
  for (const edit of fix.edits) {
    const endLine = edit.endLine ?? edit.line;
    if (edit.line === endLine) continue;
    assert.ok(endLine <= line && !(endLine === line && edit.endColumn > 1), 'a multi-line edit never reaches into the problem line');
    shift += endLine - edit.line - edit.newText.split('\n').length + 1;
  }
  return line - shift;
}

/**
 * Applies `fix` for `problem` and checks what every fix promises: the code is gone from that line,
 * a rename or a preferred fix adds no duplicate, CRLF line breaks and the BOM survive. Returns the new text.
 */
function applyFix(text: string, problem: Problem<ProcfileProblemCode>, fix: ProcfileFix): string {
  assert.equal(fix.code, problem.code);
  const after = applyEdits(text, fix.edits);
  const line = lineAfter(fix, problem.line);
  const still = parseProcfile(after).problems.filter((p) => p.code === problem.code && p.line === line);
  assert.deepEqual(still, [], `"${fix.title}" leaves ${problem.code} on line ${line}:\n${after}`);
  if (fix.code === 'duplicate-type') {
    assert.ok(count(after, 'duplicate-type') < count(text, 'duplicate-type'), `"${fix.title}" removes a duplicate`);
  } else if (fix.preferred || fix.title.startsWith('Rename')) {
    assert.ok(count(after, 'duplicate-type') <= count(text, 'duplicate-type'), `"${fix.title}" creates no duplicate`);
  }
  if (text.includes('\r\n') && !/(^|[^\r])\n/.test(text)) assert.doesNotMatch(after, /(^|[^\r])\n/, 'CRLF line breaks are kept');
  assert.equal(after.startsWith('\ufeff'), text.startsWith('\ufeff'), 'the BOM is kept');
  return after;
}

/** The fixes for the problem `code` on `line`, each checked with {@link applyFix}; returns titles,
 * preferred flags and new texts. */
function fixesFor(text: string, line: number, code: ProcfileProblemCode): { title: string; preferred: boolean; after: string }[] {
  const problem = problemAt(text, line, code);
  return quickFixes(text, problem).map((fix) => ({ title: fix.title, preferred: fix.preferred, after: applyFix(text, problem, fix) }));
}

const crlf = (text: string) => text.replace(/\n/g, '\r\n');

describe('Procfile quick fixes', () => {
  describe('space-before-colon', () => {
    it('removes the blanks before the colon, keeping trailing spaces and comments elsewhere', () => {
      const text = '# Production\nweb: bundle exec puma -C config/puma.rb\napi : node api/server.js --port $PORT   \nworker: bundle exec sidekiq # jobs\n';
      assert.deepEqual(fixesFor(text, 3, 'space-before-colon'), [{
        title: 'Remove the space before the colon',
        preferred: true,
        after: '# Production\nweb: bundle exec puma -C config/puma.rb\napi: node api/server.js --port $PORT   \nworker: bundle exec sidekiq # jobs\n',
      }]);
    });

    it('moves the space after the colon when the command touches it', () => {
      const [fix] = fixesFor('web: npm start\napi\t \t:node api.js\n', 2, 'space-before-colon');
      assert.equal(fix.after, 'web: npm start\napi: node api.js\n');
      assert.deepEqual(codes(fix.after), []);
    });
  });

  describe('indented-entry', () => {
    it('removes spaces or tabs before the name (Foreman ignores indented lines)', () => {
      const text = 'web: npm start\n  clock: node clock.js\n\tworker: node worker.js # queue\n';
      assert.deepEqual(fixesFor(text, 2, 'indented-entry'), [
        { title: 'Remove the indentation', preferred: true, after: 'web: npm start\nclock: node clock.js\n\tworker: node worker.js # queue\n' },
      ]);
      assert.equal(fixesFor(text, 3, 'indented-entry')[0].after, 'web: npm start\n  clock: node clock.js\nworker: node worker.js # queue\n');
    });

    it('is not preferred when the line would become a duplicate and take over', () => {
      const text = 'clock: node new-clock.js\n  clock: node old-clock.js\n';
      const [fix] = fixesFor(text, 2, 'indented-entry');
      assert.deepEqual([fix.title, fix.preferred], ['Remove the indentation', false]);
      assert.deepEqual(codes(fix.after), ['2:1 duplicate-type']);
      assert.equal(fixesFor('api: a\napi : b\n', 2, 'space-before-colon')[0].preferred, false);
    });

    it('leaves the next problem of the line to its own fix', () => {
      const [fix] = fixesFor('web: npm start\n  api : node api.js\n', 2, 'indented-entry');
      assert.equal(fix.after, 'web: npm start\napi : node api.js\n');
      assert.deepEqual(codes(fix.after), ['2:4 space-before-colon']);
    });
  });

  describe('duplicate-type', () => {
    const text = 'web: bundle exec puma -C config/puma.rb\nworker: bundle exec sidekiq\nweb2: node legacy.js\nweb: bin/rails server -p $PORT\n';

    it('offers a rename to a free name and the removal of the earlier definition, neither preferred', () => {
      assert.deepEqual(fixesFor(text, 4, 'duplicate-type'), [
        {
          title: 'Rename to `web3`',
          preferred: false,
          after: 'web: bundle exec puma -C config/puma.rb\nworker: bundle exec sidekiq\nweb2: node legacy.js\nweb3: bin/rails server -p $PORT\n',
        },
        {
          title: 'Remove the earlier definition (line 1)',
          preferred: false,
          after: 'worker: bundle exec sidekiq\nweb2: node legacy.js\nweb: bin/rails server -p $PORT\n',
        },
      ]);
    });

    it('leaves unique names and, when removing, the command that ran before', () => {
      const before = parseProcfile(text).types.find((t) => t.name === 'web')!.command;
      for (const fix of fixesFor(text, 4, 'duplicate-type')) {
        assert.deepEqual(codes(fix.after), [], fix.title);
        if (fix.title.startsWith('Remove')) assert.equal(parseProcfile(fix.after).types.find((t) => t.name === 'web')!.command, before);
      }
    });

    it('with three definitions, removes every earlier one (consecutive lines in one edit)', () => {
      const three = 'web: echo first\nweb: echo second\nworker: node w.js\nweb: echo third\n';
      assert.deepEqual(fixesFor(three, 2, 'duplicate-type').map((f) => [f.title, f.after]), [
        ['Rename to `web2`', 'web: echo first\nweb2: echo second\nworker: node w.js\nweb: echo third\n'],
        ['Remove the earlier definition (line 1)', 'web: echo second\nworker: node w.js\nweb: echo third\n'],
      ]);
      assert.deepEqual(fixesFor(three, 4, 'duplicate-type').map((f) => [f.title, f.after]), [
        ['Rename to `web2`', 'web: echo first\nweb: echo second\nworker: node w.js\nweb2: echo third\n'],
        ['Remove the earlier definitions (lines 1, 2)', 'worker: node w.js\nweb: echo third\n'],
      ]);
      const remove = quickFixes(three, problemAt(three, 4, 'duplicate-type'))[1];
      assert.deepEqual(remove.edits, [{ line: 1, startColumn: 1, endLine: 3, endColumn: 1, newText: '' }]);
    });

    it('skips names taken by any entry-like line and appends _2 after a trailing digit', () => {
      const taken = 'web: a\n  web2: b\nweb3 : c\n# web4: d\nweb: e\n';
      assert.equal(fixesFor(taken, 5, 'duplicate-type')[0].title, 'Rename to `web4`');
      assert.equal(fixesFor('worker1: a\nworker1: b\n', 2, 'duplicate-type')[0].after, 'worker1: a\nworker1_2: b\n');
    });

    it('removes the first line of a file with a BOM, keeping the BOM', () => {
      const bom = '\ufeffweb: a\r\nweb: b\r\n';
      assert.deepEqual(fixesFor(bom, 2, 'duplicate-type').map((f) => f.after), ['\ufeffweb: a\r\nweb2: b\r\n', '\ufeffweb: b\r\n']);
    });
  });

  describe('invalid-name', () => {
    it('replaces characters Foreman does not allow with _', () => {
      const text = 'web: npm start\napi.v2: node api/v2.js\n';
      assert.deepEqual(fixesFor(text, 2, 'invalid-name'), [
        { title: 'Rename to `api_v2`', preferred: true, after: 'web: npm start\napi_v2: node api/v2.js\n' },
      ]);
      assert.equal(fixesFor('wörker: node w.js\n', 1, 'invalid-name')[0].after, 'w_rker: node w.js\n');
      assert.equal(fixesFor('🚀web: node w.js\n', 1, 'invalid-name')[0].after, '_web: node w.js\n', 'one _ per code point');
    });

    it('picks a free name when the replacement is taken', () => {
      const text = 'api_v2: node old.js\napi.v2: node new.js\n';
      const [fix] = fixesFor(text, 2, 'invalid-name');
      assert.equal(fix.after, 'api_v2: node old.js\napi_v2_2: node new.js\n');
      assert.deepEqual(codes(fix.after), []);
    });

    it('turns a name without a command into an empty-command line', () => {
      const [fix] = fixesFor('web: x\napi.v2:\n', 2, 'invalid-name');
      assert.deepEqual(codes(fix.after), ['2:1 empty-command']);
    });
  });

  describe('no-space-after-colon', () => {
    it('inserts one space after the colon (Overmind and Hivemind ignore web:npm start)', () => {
      const text = 'web:npm start\nworker: node w.js\n';
      assert.deepEqual(fixesFor(text, 1, 'no-space-after-colon'), [
        { title: 'Add a space after the colon', preferred: true, after: 'web: npm start\nworker: node w.js\n' },
      ]);
    });

    it('fixes each problem of a line on its own', () => {
      const text = 'web-app:node app.js --port=$PORT:80  \n';
      assert.equal(fixesFor(text, 1, 'no-space-after-colon')[0].after, 'web-app: node app.js --port=$PORT:80  \n');
      assert.equal(fixesFor(text, 1, 'dash-in-name')[0].after, 'web_app:node app.js --port=$PORT:80  \n');
    });
  });

  describe('dash-in-name', () => {
    it('renames with _ as advice (heroku local rejects dashes), not preferred', () => {
      assert.deepEqual(fixesFor('web-app: node app.js\nbackground-jobs: node jobs.js\n', 2, 'dash-in-name'), [
        { title: 'Rename to `background_jobs`', preferred: false, after: 'web-app: node app.js\nbackground_jobs: node jobs.js\n' },
      ]);
    });

    it('picks a free name when the replacement is taken', () => {
      const [fix] = fixesFor('web_app: node a.js\nweb-app: node b.js\n', 2, 'dash-in-name');
      assert.equal(fix.after, 'web_app: node a.js\nweb_app2: node b.js\n');
      assert.deepEqual(codes(fix.after), []);
    });
  });

  describe('empty-command and not-an-entry', () => {
    it('comments out the line, not preferred', () => {
      const text = 'web: npm start\nworker:\nclock:   \nrelease\nheroku ps:scale web=1\n';
      for (const [line, code] of [[2, 'empty-command'], [3, 'empty-command'], [4, 'not-an-entry'], [5, 'not-an-entry']] as const) {
        const fixes = fixesFor(text, line, code);
        assert.deepEqual(fixes.map((f) => [f.title, f.preferred]), [['Comment out the line', false]]);
        const lines = text.split('\n');
        lines[line - 1] = `# ${lines[line - 1]}`;
        assert.equal(fixes[0].after, lines.join('\n'));
      }
    });

    it('comments out after a BOM', () => {
      assert.equal(fixesFor('\ufeffrelease: \nweb: x', 1, 'empty-command')[0].after, '\ufeff# release: \nweb: x');
    });
  });

  describe('problems without fixes', () => {
    it('offers nothing for file-level codes', () => {
      assert.deepEqual(quickFixes('', problemAt('', 1, 'no-entries')), []);
      const notUtf8 = 'web: a\u0000\n';
      assert.deepEqual(quickFixes(notUtf8, problemAt(notUtf8, 1, 'not-utf8')), []);
      assert.deepEqual(quickFixes('web: a\n', { line: 1, column: 1, endColumn: 2, severity: 'error', code: 'not-found', message: 'no Procfile' }), []);
    });

    it('offers nothing for a stale problem (the line changed)', () => {
      const problem = problemAt('api : x\n', 1, 'space-before-colon');
      assert.deepEqual(quickFixes('api: x\n', problem), []);
      assert.deepEqual(quickFixes('web: a\n', { ...problem, line: 9 }), []);
    });
  });

  describe('every fix on realistic files', () => {
    const procfile = [
      '# Procfile for the shop',
      'web: bundle exec puma -C config/puma.rb',
      'worker:bundle exec sidekiq -q default   ',
      '  clock: bundle exec clockwork clock.rb',
      'api : node api/server.js # internal API',
      'api.v2: node api/v2.js',
      'web-admin: bin/admin',
      'release',
      'mailer:   ',
      'web: bin/rails server -p $PORT',
      '',
    ].join('\n');
    const variants: [string, string][] = [
      ['LF', procfile],
      ['CRLF', crlf(procfile)],
      ['no final newline', procfile.trimEnd()],
      ['BOM', `\ufeff${procfile}`],
      ['BOM and CRLF, no final newline', `\ufeff${crlf(procfile.trimEnd())}`],
      ['BOM on a problem line', '\ufeff  clock: x\r\nclock: y'],
    ];
    for (const [label, text] of variants) {
      it(`fixes each line problem (${label})`, () => {
        const problems = parseProcfile(text).problems;
        assert.ok(problems.length > 0);
        for (const problem of problems) {
          const fixes = quickFixes(text, problem);
          assert.ok(fixes.length > 0, `a fix for ${problem.code} on line ${problem.line}`);
          for (const fix of fixes) applyFix(text, problem, fix);
        }
      });
    }

    it('applies all preferred fixes of a CRLF file at once', () => {
      const text = crlf(procfile);
      const problems = parseProcfile(text).problems;
      const edits = problems.flatMap((p) => quickFixes(text, p).filter((f) => f.preferred).flatMap((f) => f.edits));
      assert.equal(applyEdits(text, edits), crlf([
        '# Procfile for the shop',
        'web: bundle exec puma -C config/puma.rb',
        'worker: bundle exec sidekiq -q default   ',
        'clock: bundle exec clockwork clock.rb',
        'api: node api/server.js # internal API',
        'api_v2: node api/v2.js',
        'web-admin: bin/admin',
        'release',
        'mailer:   ',
        'web: bin/rails server -p $PORT',
        '',
      ].join('\n')));
    });

    it('uses the parser columns after a BOM', () => {
      const text = '\ufeffapi : node a.js\r\nweb: x';
      const problem = problemAt(text, 1, 'space-before-colon');
      assert.deepEqual([problem.column, problem.endColumn], [4, 5], 'the parser does not count the BOM');
      const [fix] = quickFixes(text, problem);
      assert.deepEqual(fix.edits, [{ line: 1, startColumn: 4, endColumn: 5, newText: '' }]);
      assert.equal(applyEdits(text, fix.edits), '\ufeffapi: node a.js\r\nweb: x');
    });
  });
});

describe('applyEdits', () => {
  it('applies edits against the original text, in any order', () => {
    const text = 'a: one\r\nb: two\r\nc: three';
    const edits = [
      { line: 3, startColumn: 1, endColumn: 2, newText: 'cc' },
      { line: 1, startColumn: 1, endLine: 2, endColumn: 1, newText: '' },
      { line: 2, startColumn: 4, endColumn: 7, newText: '2' },
    ];
    assert.equal(applyEdits(text, edits), 'b: 2\r\ncc: three');
    assert.equal(applyEdits(text, [...edits].reverse()), 'b: 2\r\ncc: three');
  });

  it('deletes a last line from the end of the line before it', () => {
    assert.equal(applyEdits('a: 1\r\nb: 2', [{ line: 1, startColumn: 5, endLine: 2, endColumn: 5, newText: '' }]), 'a: 1');
  });

  it('keeps insertions at one position in order', () => {
    assert.equal(applyEdits('ab', [{ line: 1, startColumn: 2, endColumn: 2, newText: '1' }, { line: 1, startColumn: 2, endColumn: 2, newText: '2' }]), 'a12b');
  });

  it('counts a lone \\r as part of the line, as the parser does', () => {
    assert.equal(applyEdits('a\r\r\nb', [{ line: 1, startColumn: 2, endColumn: 3, newText: '' }]), 'a\r\nb');
  });

  it('rejects positions outside the text or inside a line break, and overlapping edits', () => {
    assert.throws(() => applyEdits('a\r\nb', [{ line: 1, startColumn: 3, endColumn: 3, newText: 'x' }]), RangeError);
    assert.throws(() => applyEdits('a\nb', [{ line: 3, startColumn: 1, endColumn: 1, newText: 'x' }]), RangeError);
    assert.throws(() => applyEdits('abc', [{ line: 1, startColumn: 0, endColumn: 1, newText: 'x' }]), RangeError);
    assert.throws(() => applyEdits('abc', [{ line: 1, startColumn: 3, endColumn: 2, newText: '' }]), RangeError);
    assert.throws(() => applyEdits('abcd', [{ line: 1, startColumn: 1, endColumn: 3, newText: '' }, { line: 1, startColumn: 2, endColumn: 4, newText: '' }]), RangeError);
  });
});

describe('commentBlocks', () => {
  const text = [
    '# Procfile for development',
    '# run with: formation start',
    'web: npm start # not a comment line',
    '# a single comment',
    'worker: node worker.js',
    '   # indented comment',
    '\t# tab-indented comment',
    '#',
    '',
    '# after a blank line',
    '# last line',
  ].join('\n');

  it('finds runs of two or more comment lines (1-based, inclusive)', () => {
    const expected = [{ startLine: 1, endLine: 2 }, { startLine: 6, endLine: 8 }, { startLine: 10, endLine: 11 }];
    assert.deepEqual(commentBlocks(text), expected);
    assert.deepEqual(commentBlocks(crlf(text)), expected, 'CRLF');
    assert.deepEqual(commentBlocks(`\ufeff${crlf(text)}\r\n`), expected, 'BOM and final newline');
  });

  it('finds nothing without two consecutive comment lines', () => {
    for (const input of ['', '# one\n', '# one\n\n# two\n', 'web: a\n# one\nweb2: b\n']) assert.deepEqual(commentBlocks(input), [], JSON.stringify(input));
  });
});

describe('entrySymbols', () => {
  it('lists every entry with name and command ranges, duplicates included', () => {
    const text = 'web: npm start\n  clock: node c.js\nweb:\tnode b.js  \napi.v2: x\nworker:node w.js\r\nmailer:   \n';
    assert.deepEqual(entrySymbols(text), [
      { name: 'web', line: 1, nameStartColumn: 1, nameEndColumn: 4, commandStartColumn: 6, commandEndColumn: 15, command: 'npm start' },
      { name: 'web', line: 3, nameStartColumn: 1, nameEndColumn: 4, commandStartColumn: 6, commandEndColumn: 15, command: 'node b.js' },
      { name: 'worker', line: 5, nameStartColumn: 1, nameEndColumn: 7, commandStartColumn: 8, commandEndColumn: 17, command: 'node w.js' },
      { name: 'mailer', line: 6, nameStartColumn: 1, nameEndColumn: 7, commandStartColumn: 8, commandEndColumn: 8, command: '' },
    ]);
  });

  it('does not count the BOM in columns', () => {
    assert.deepEqual(entrySymbols('\ufeffweb:  npm start\r\nweb: node x.js\r\n').map((s) => [s.line, s.nameEndColumn, s.commandStartColumn, s.commandEndColumn]), [
      [1, 4, 7, 16],
      [2, 4, 6, 15],
    ]);
  });

  it('ranges cover exactly the name and the command', () => {
    const text = '\ufeffweb: gunicorn app:app\r\nworker:\t\tcelery -A x   \r\nweb-app:node a.js\r\nclock:\u00a0x';
    const lines = text.slice(1).split('\r\n');
    const symbols = entrySymbols(text);
    assert.equal(symbols.length, 4);
    for (const s of symbols) {
      const line = lines[s.line - 1];
      assert.equal(line.slice(s.nameStartColumn - 1, s.nameEndColumn - 1), s.name);
      assert.equal(line.slice(s.commandStartColumn - 1, s.commandEndColumn - 1), s.command);
    }
  });
});
