import assert from 'node:assert/strict';
import { parseProcfile } from '../../src/core/procfile';

const codes = (text: string | Uint8Array) => parseProcfile(text).problems.map((p) => `${p.line}:${p.column} ${p.severity} ${p.code}`);

describe('Procfile parsing', () => {
  it('keeps entries in file order with 1-based lines, skipping comments and blank lines', () => {
    const parsed = parseProcfile('# app\nweb: npm start\n\n   # indented comment\n \t \nworker: node worker.js\n');
    assert.deepEqual(parsed.entries, [
      { name: 'web', command: 'npm start', line: 2 },
      { name: 'worker', command: 'node worker.js', line: 6 },
    ]);
    assert.deepEqual(parsed.problems, []);
  });

  it('splits at the first colon after a valid name only', () => {
    const parsed = parseProcfile('web: gunicorn app:app --bind 0.0.0.0:$PORT\nurl: curl http://x:1/a:b\n');
    assert.deepEqual(parsed.entries.map((e) => e.command), ['gunicorn app:app --bind 0.0.0.0:$PORT', 'curl http://x:1/a:b']);
  });

  it('accepts tabs and no space after the colon, with a portability hint for the latter', () => {
    const parsed = parseProcfile('web:\tnode a.js\nworker:node b.js\n');
    assert.deepEqual(parsed.entries.map((e) => [e.name, e.command]), [['web', 'node a.js'], ['worker', 'node b.js']]);
    assert.deepEqual(codes('web:\tnode a.js\nworker:node b.js\n'), ['2:7 info no-space-after-colon']);
  });

  it('strips CRLF, a lone trailing \\r and trailing blanks from commands', () => {
    const parsed = parseProcfile('web: node a.js alpha \r\nworker: node b.js\r\r\nclock: x  \t ');
    assert.deepEqual(parsed.entries.map((e) => e.command), ['node a.js alpha', 'node b.js', 'x']);
  });

  it('strips a UTF-8 BOM so the first name stays "web"', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('web: npm start\n')]);
    assert.equal(parseProcfile(bytes).entries[0].name, 'web');
    assert.equal(parseProcfile('\ufeffweb: npm start').entries[0].name, 'web');
  });

  it('reports UTF-16 and invalid UTF-8 as one error with no entries', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('web: npm start\n', 'utf16le')]);
    for (const bytes of [utf16, Buffer.from('web: npm start\n', 'utf16le'), Buffer.from([0x77, 0x3a, 0x20, 0xc3, 0x28])]) {
      const parsed = parseProcfile(bytes);
      assert.deepEqual(parsed.entries, []);
      assert.deepEqual(parsed.problems.map((p) => [p.code, p.severity]), [['not-utf8', 'error']]);
      assert.match(parsed.problems[0].message, /save it as UTF-8/);
    }
  });

  it('explains every line that does not run', () => {
    const text = ['web: node a.js', '  clock: node c.js', 'api : node d.js', 'api.v2: node e.js', 'wörker: node f.js', 'release', 'heroku ps:scale web=1', 'worker:', 'blank:   '].join('\n');
    assert.deepEqual(codes(text), [
      '2:1 warning indented-entry',
      '3:4 warning space-before-colon',
      '4:1 error invalid-name',
      '5:1 error invalid-name',
      '6:1 error not-an-entry',
      '7:1 error not-an-entry',
      '8:1 error empty-command',
      '9:1 error empty-command',
    ]);
    const parsed = parseProcfile(text);
    assert.deepEqual(parsed.entries.map((e) => e.name), ['web', 'blank'], 'a blank command is an entry, as in Foreman');
    assert.deepEqual(parsed.types.filter((t) => t.runnable).map((t) => t.name), ['web']);
    assert.match(parsed.problems[0].message, /does not run/);
    assert.match(parsed.problems[2].message, /"api\.v2".*A-Z a-z 0-9 _ -/);
  });

  it('hints that a dash in a name is rejected by heroku local', () => {
    assert.deepEqual(codes('web-app: node a.js\n'), ['1:1 info dash-in-name']);
  });

  describe('duplicate process types', () => {
    it('runs the last command in the first PORT slot and warns naming both lines', () => {
      const parsed = parseProcfile('web: node first.js\nworker: node w.js\nweb: node second.js\n');
      assert.equal(parsed.entries.length, 3, 'entries keep both lines');
      assert.deepEqual(parsed.types.map((t) => [t.name, t.command, t.slot]), [['web', 'node second.js', 0], ['worker', 'node w.js', 1]]);
      const [warning] = parsed.problems;
      assert.equal(warning.code, 'duplicate-type');
      assert.equal(warning.severity, 'warning');
      assert.equal(warning.line, 3);
      assert.match(warning.message, /line 1.*line 3|line 3.*line 1/);
    });

    it('names the line whose command runs in every warning, with three definitions', () => {
      const parsed = parseProcfile('web: echo first\nweb: echo second\nweb: echo third\n');
      assert.deepEqual(parsed.problems.map((p) => [p.line, p.message]), [
        [2, 'duplicate process type "web" (first defined on line 1); line 3\'s command runs, with line 1\'s PORT'],
        [3, 'duplicate process type "web" (first defined on line 1); line 3\'s command runs, with line 1\'s PORT'],
      ]);
    });

    it('handles three definitions and a blank last one', () => {
      const parsed = parseProcfile('a: one\nb: two\na: three\na: four\nb:  \n');
      assert.deepEqual(parsed.types.map((t) => [t.name, t.command, t.slot, t.runnable]), [['a', 'four', 0, true], ['b', '', 1, false]]);
      assert.equal(parsed.problems.filter((p) => p.code === 'duplicate-type').length, 3);
    });

    it('is case-sensitive: Web and web are two types', () => {
      assert.equal(parseProcfile('web: a\nWeb: b\n').types.length, 2);
    });
  });

  it('reports a file without any process type', () => {
    for (const text of ['', '# only a comment\n', 'npm start\n']) {
      assert.ok(parseProcfile(text).problems.some((p) => p.code === 'no-entries' && p.severity === 'error'), JSON.stringify(text));
    }
  });

  it('never throws, whatever the bytes', () => {
    const inputs: (string | Uint8Array)[] = [
      Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)),
      'web: ' + 'x'.repeat(1024 * 1024),
      'a'.repeat(1024 * 1024),
      ':'.repeat(100_000),
      ' '.repeat(100_000) + 'web: x',
      'web:' + ' '.repeat(100_000),
      '\r'.repeat(1000),
      'é: x\n\u0000\n',
    ];
    for (const input of inputs) {
      const parsed = parseProcfile(input);
      assert.ok(Array.isArray(parsed.entries) && Array.isArray(parsed.problems));
    }
    assert.equal(parseProcfile('web: ' + 'x'.repeat(1024 * 1024)).entries[0].command.length, 1024 * 1024);
  });
});
