/**
 * Procfile parsing cases (../shared/cases 01, 02, 04–08, copied to test/fixtures/cases), through the
 * built CLI: `formation check --json` gives Foreman's entries plus a located problem for every line
 * that does not run, and `formation start` runs exactly the entries, shows those problems on
 * `system |` lines and leaves no process behind. Where a case's expected.md and issue 2 differ, the
 * issue decides (noted per case).
 */
import * as assert from 'node:assert/strict';
import { caseDir, runCli } from '../support/cli';
import { assertCleanStop, assertPrinted, checkJson, type Printed, problemKey, startedInstances, startUntil } from '../support/startUntil';

interface ParsingCase {
  title: string;
  dir: string;
  /** `-f` (default: ./Procfile). */
  procfile?: string;
  /** What `check --json` lists: `[line, name, command]`, every line Foreman accepts. */
  entries: [number, string, string][];
  /** Every problem as `LINE:COL severity code`, in line order. */
  problems: string[];
  /** `check` exit status: 1 when there is an error. */
  checkStatus: 0 | 1;
  /** Exactly the instances `start` spawns, and (some of) what they print. */
  started: string[];
  printed: Printed;
  /** Output that must never appear. */
  never?: RegExp;
}

const cases: ParsingCase[] = [
  {
    title: 'case 01 — comments, blank and whitespace-only lines',
    dir: '01-comments-blank-lines',
    entries: [
      [2, 'web', `node -e "console.log('web up'); setInterval(()=>{}, 1000)"`],
      [7, 'worker', `node -e "console.log('worker up'); setInterval(()=>{}, 1000)"`],
    ],
    problems: [], // `#…`, indented `   # clock: …` and `    \t ` are all silent
    checkStatus: 0,
    started: ['web.1', 'worker.1'],
    printed: { 'web.1': ['web up'], 'worker.1': ['worker up'] },
    never: /SHOULD NOT RUN/,
  },
  ...['Procfile.indented-comment-only', 'Procfile.whitespace-line-only'].map((procfile) => ({
    title: `case 01 — comments, blank and whitespace-only lines (${procfile})`,
    dir: '01-comments-blank-lines',
    procfile,
    entries: [[1, 'web', 'node -e "console.log(1)"']] as [number, string, string][],
    problems: [],
    checkStatus: 0 as const,
    started: ['web.1'],
    printed: { 'web.1': ['1'] },
  })),
  {
    title: 'case 02 — CRLF line endings in the Procfile and .env',
    dir: '02-crlf-line-endings',
    entries: [
      [1, 'web', 'node show-args.js alpha beta'], // no "\r" kept
      [2, 'worker', 'node show-args.js "$GREETING"'], // last line without a line ending
    ],
    problems: [],
    checkStatus: 0,
    started: ['web.1', 'worker.1'],
    printed: {
      'web.1': ['{"argv":["alpha","beta"],"env":{"GREETING":"hello","TARGET":"world","QUOTED":"two words","SINGLE":"it is"}}'],
      'worker.1': ['{"argv":["hello"],"env":{"GREETING":"hello","TARGET":"world","QUOTED":"two words","SINGLE":"it is"}}'],
    },
    never: /\\r/,
  },
  {
    // Issue 2 decides over expected.md: an indented entry (line 3) and a space before the colon
    // (line 4) are warnings and do not run. They are not entries, and PORT is Foreman's
    // base + 100 × (index among *entries*): mailer is entry 2 (web 0, worker 1), so 5200, not 5400.
    // The user is told which lines were skipped, so the shift is not silent.
    title: 'case 04 — tabs and odd whitespace around the name and the colon',
    dir: '04-tabs-and-whitespace',
    entries: [
      [1, 'web', 'node show.js web'],
      [2, 'worker', 'node show.js worker'],
      [5, 'mailer', 'node show.js mailer'],
    ],
    problems: ['2:7 info no-space-after-colon', '3:1 warning indented-entry', '4:4 warning space-before-colon'],
    checkStatus: 0,
    started: ['web.1', 'worker.1', 'mailer.1'],
    printed: { 'web.1': ['[web] PORT=5000'], 'worker.1': ['[worker] PORT=5100'], 'mailer.1': ['[mailer] PORT=5200'] },
    never: /\[(clock|api)\]/,
  },
  {
    // Issue 2: a name with "." is an error (the line does not run); the other four still start.
    title: 'case 05 — process names with dashes, underscores, digits, capitals and dots',
    dir: '05-process-name-charset',
    entries: [
      [1, 'web-app', 'node show.js web-app'],
      [2, 'my_worker', 'node show.js my_worker'],
      [3, '2fa', 'node show.js 2fa'],
      [4, 'Mailer', 'node show.js Mailer'],
    ],
    problems: ['1:1 info dash-in-name', '5:1 error invalid-name'],
    checkStatus: 1,
    started: ['web-app.1', 'my_worker.1', '2fa.1', 'Mailer.1'],
    printed: {
      'web-app.1': ['[web-app] PORT=5000 PS=web-app.1 WORKER_NAME=undefined'],
      'my_worker.1': ['[my_worker] PORT=5100 PS=my_worker.1 WORKER_NAME=undefined'],
      '2fa.1': ['[2fa] PORT=5200 PS=2fa.1 WORKER_NAME=undefined'],
      'Mailer.1': ['[Mailer] PORT=5300 PS=Mailer.1 WORKER_NAME=undefined'],
    },
    never: /api\.v2\.1|\[api\.v2\]/,
  },
  {
    title: 'case 05 — process names with dashes, underscores, digits, capitals and dots (Procfile.without-dot)',
    dir: '05-process-name-charset',
    procfile: 'Procfile.without-dot',
    entries: [
      [1, 'web-app', 'node show.js web-app'],
      [2, 'my_worker', 'node show.js my_worker'],
      [3, '2fa', 'node show.js 2fa'],
      [4, 'Mailer', 'node show.js Mailer'],
    ],
    problems: ['1:1 info dash-in-name'],
    checkStatus: 0,
    started: ['web-app.1', 'my_worker.1', '2fa.1', 'Mailer.1'],
    printed: { 'Mailer.1': ['[Mailer] PORT=5300 PS=Mailer.1 WORKER_NAME=undefined'] },
  },
  {
    // Issue 2 decides over expected.md (which asks for an error and nothing started): a duplicate is
    // a warning; the type runs the LAST command in the FIRST occurrence's PORT slot, as one web.1.
    // `entries` keeps both lines (Foreman accepts both).
    title: 'case 06 — the same process type defined twice',
    dir: '06-duplicate-names',
    entries: [
      [1, 'web', 'node show.js first-web-line'],
      [2, 'worker', 'node show.js worker'],
      [3, 'web', 'node show.js second-web-line'],
    ],
    problems: ['3:1 warning duplicate-type'],
    checkStatus: 0,
    started: ['web.1', 'worker.1'],
    printed: { 'web.1': ['second-web-line PORT=5000 PS=web.1'], 'worker.1': ['worker PORT=5100 PS=worker.1'] },
    never: /\| first-web-line|PORT=5200/,
  },
  {
    // Issue 2: a bare command (`heroku ps:scale web=1`) is an error, not expected.md's warning; the
    // three entries still start.
    title: 'case 07 — colons inside commands, and a stray line with a colon',
    dir: '07-colons-in-command',
    entries: [
      [1, 'web', 'node show.js --bind=0.0.0.0:$PORT app:server'],
      [2, 'worker', 'node show.js jobs:work'],
      [3, 'url', 'node show.js http://localhost:5000/a:b'],
    ],
    problems: ['4:1 error not-an-entry'],
    checkStatus: 1,
    started: ['web.1', 'worker.1', 'url.1'],
    printed: {
      'web.1': ['["--bind=0.0.0.0:5000","app:server"]'],
      'worker.1': ['["jobs:work"]'],
      'url.1': ['["http://localhost:5000/a:b"]'],
    },
    never: /not found|^heroku/m, // had it run, sh would say "heroku: not found"
  },
  {
    title: 'case 07 — colons inside commands, and a stray line with a colon (Procfile.without-stray-line)',
    dir: '07-colons-in-command',
    procfile: 'Procfile.without-stray-line',
    entries: [
      [1, 'web', 'node show.js --bind=0.0.0.0:$PORT app:server'],
      [2, 'worker', 'node show.js jobs:work'],
      [3, 'url', 'node show.js http://localhost:5000/a:b'],
    ],
    problems: [],
    checkStatus: 0,
    started: ['web.1', 'worker.1', 'url.1'],
    printed: { 'url.1': ['["http://localhost:5000/a:b"]'] },
  },
  {
    // `clock:   ` matches Foreman's rule (the blanks are its "command"), so it is an entry with a
    // blank command: listed, an `empty-command` error, never started. `worker:` and `release` are
    // not entries; `release` (a bare command) is an error.
    title: 'case 08 — empty command, whitespace-only command, line without a colon',
    dir: '08-empty-command',
    entries: [
      [1, 'web', 'node show.js web'],
      [3, 'clock', ''],
    ],
    problems: ['2:1 error empty-command', '3:1 error empty-command', '4:1 error not-an-entry'],
    checkStatus: 1,
    started: ['web.1'],
    printed: { 'web.1': ['web running'] },
    never: /clock\.1|worker\.1|release\.1/,
  },
];

for (const c of cases) {
  describe(c.title, () => {
    const cwd = caseDir(c.dir);
    const fileArgs = c.procfile ? ['-f', c.procfile] : [];

    it(`check --json lists ${c.entries.length} entries and ${c.problems.length || 'no'} problems, located`, async () => {
      const { code, report } = await checkJson(cwd, fileArgs);
      assert.deepEqual(report.entries.map((e) => [e.line, e.name, e.command]), c.entries);
      assert.deepEqual(report.problems.map(problemKey), c.problems);
      assert.equal(code, c.checkStatus);
    });

    it(`start runs exactly ${c.started.join(', ')}, shows every problem, and stops with nothing left`, async () => {
      const result = await startUntil(fileArgs, c.printed, { cwd });
      assert.deepEqual(startedInstances(result), c.started, result.stdout);
      assertPrinted(result, c.printed);
      const label = c.procfile ?? 'Procfile';
      for (const problem of c.problems) {
        const [at, severity] = problem.split(' ');
        assert.ok(result.lines.some((l) => l.startsWith(`system | ${label}:${at}: ${severity}: `)), `${problem} not shown:\n${result.stdout}`);
      }
      if (c.never) assert.doesNotMatch(result.stdout, c.never);
      assertCleanStop(result);
    });
  });
}

describe('case 06 — the same process type defined twice (details)', () => {
  const cwd = caseDir('06-duplicate-names');

  it('the warning names both lines and says which one runs', async () => {
    const { report } = await checkJson(cwd);
    const [warning] = report.problems;
    assert.match(warning.message, /"web".*line 1/);
    assert.match(warning.message, /line 3's command runs/);
  });

  it('with -m web=2, web.1 and web.2 both run the last command on 5000 and 5001', async () => {
    const printed = { 'web.1': ['second-web-line PORT=5000 PS=web.1'], 'web.2': ['second-web-line PORT=5001 PS=web.2'] };
    const result = await startUntil(['-m', 'web=2'], printed, { cwd });
    assert.deepEqual(startedInstances(result), ['web.1', 'web.2']);
    assertPrinted(result, printed);
    assert.doesNotMatch(result.stdout, /\| first-web-line/);
    assertCleanStop(result);
  });
});

describe('case 08 — empty command, whitespace-only command, line without a colon (details)', () => {
  const cwd = caseDir('08-empty-command');

  // Asking for a type whose command is blank starts nothing: say why, and fail (never a silent 0).
  for (const args of [['clock'], ['-m', 'clock=1']]) {
    it(`start ${args.join(' ')} says clock has an empty command and exits 1`, async () => {
      const result = await runCli(['start', '--no-timestamp', ...args], { cwd, timeoutMs: 10_000 });
      assert.match(result.stdout, /^system +\| nothing to start: clock has an empty command/m);
      assert.equal(result.code, 1, result.stdout + result.stderr);
      assert.deepEqual(startedInstances(result), []);
      assert.deepEqual(result.leftovers, []);
    });
  }

  it('stopping does not wait for the blank-command types that never started', async () => {
    const result = await startUntil([], { 'web.1': ['web running'] }, { cwd });
    assert.ok(result.stopMs !== undefined && result.stopMs < 1000, `stop took ${result.stopMs} ms`);
    assertCleanStop(result);
  });
});
