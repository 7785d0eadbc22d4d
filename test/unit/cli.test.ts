import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { FIXTURES, outputOf, runCli } from './support/cli';

const dir = join(FIXTURES, 'cli');
/** stdout shows both web.1 and worker.1 up. */
const BOTH_UP = /^(?=[^]*web: PS)(?=[^]*worker: PS)/;
const upThen = (name: NodeJS.Signals, pattern: RegExp) => ({ name, whenOutput: pattern });

describe('formation CLI', () => {
  describe('usage errors exit 2 with one clear line and start nothing', () => {
    const cases: [string, string[], RegExp][] = [
      ['an unknown flag', ['start', '--bogus'], /unknown option '--bogus'/],
      ['a bad formation', ['start', '-m', 'web=two'], /invalid count "two" for web/],
      ['a count over 100', ['start', '-m', 'web=101'], /from 0 to 100/],
      ['an unknown type', ['start', '-m', 'wbe=1'], /unknown process type "wbe".*web, worker/],
      ['an unknown PROCESS', ['start', 'mailer'], /unknown process type "mailer"/],
      ['a bad timeout', ['start', '-t', 'soon'], /invalid timeout "soon"/],
      ['a bad restart policy', ['start', '--restart', 'sometimes'], /invalid --restart "sometimes"/],
      ['a missing -e file', ['start', '-e', 'missing.env'], /env file not found: .*missing\.env/],
      ['an env file error', ['start', '-e', 'broken.env'], /broken\.env:2:5: error: unterminated double-quoted value for BAD/],
      ['a missing Procfile', ['start', '-f', 'Nope'], /Procfile not found: Nope/],
      ['a bad port', ['start', '-p', 'http'], /invalid base port "http"/],
      ['a missing root folder', ['start', '-d', 'no-such-folder', '-f', 'Procfile'], /root folder not found: .*no-such-folder/],
      ['a folder given as an env file', ['start', '-e', 'folder.env'], /env file is a folder, not a file/],
      ['a run of a type with an empty command', ['run', '-f', 'Procfile.blank', 'idle'], /process type "idle" has an empty command/],
    ];
    for (const [what, args, message] of cases) {
      it(what, async () => {
        const result = await runCli(args, { cwd: dir, timeoutMs: 10_000 });
        assert.equal(result.code, 2, result.stdout + result.stderr);
        assert.match(result.stdout + result.stderr, message);
        assert.doesNotMatch(result.stdout, /started with pid/);
        assert.deepEqual(result.leftovers, []);
      });
    }
  });

  it('runs the formation with PORT, PS and .env, then stops cleanly with status 0', async () => {
    const result = await runCli(['start', '--no-timestamp', '-m', 'web=2,worker=1'], {
      cwd: dir,
      signal: upThen('SIGINT', /^(?=[^]*web\.1 +\| web: PS)(?=[^]*web\.2 +\| web: PS)(?=[^]*worker: PS)/),
    });
    assert.deepEqual(outputOf(result, 'web.2').filter((l) => l.startsWith('web:')), ['web: PS=web.2 PORT=5001 GREETING=hello']);
    assert.deepEqual(outputOf(result, 'worker.1').filter((l) => l.startsWith('worker:')), ['worker: PS=worker.1 PORT=5100 GREETING=hello']);
    assert.equal(result.code, 0);
    assert.deepEqual(result.leftovers, []);
  });

  it('starts only the PROCESS given, and -e replaces the default .env', async () => {
    const result = await runCli(['start', 'worker', '--no-timestamp', '-e', 'other.env', '-p', '7000'], { cwd: dir, signal: upThen('SIGTERM', /worker: PS/) });
    assert.deepEqual(outputOf(result, 'worker.1').filter((l) => l.startsWith('worker:')), ['worker: PS=worker.1 PORT=7100 GREETING=from-other']);
    assert.deepEqual(outputOf(result, 'web.1'), []);
    assert.deepEqual(result.leftovers, []);
  });

  it('names (never values) the inherited variables an env file overrides', async () => {
    const result = await runCli(['start', '--no-timestamp'], { cwd: dir, env: { GREETING: 'secret-from-shell' }, signal: upThen('SIGTERM', BOTH_UP) });
    assert.match(result.stdout, /system +\| env files override inherited GREETING\n/);
    assert.doesNotMatch(result.stdout, /secret-from-shell/);
    assert.deepEqual(result.leftovers, []);
  });

  it('forwards SIGUSR1 to every instance', async () => {
    // The fixture exits 0 on SIGUSR1, so the formation completes by itself once both got it.
    const result = await runCli(['start', '--no-timestamp'], { cwd: dir, signal: upThen('SIGUSR1', BOTH_UP), timeoutMs: 8000 });
    assert.ok(outputOf(result, 'web.1').includes('web: got SIGUSR1, exiting'), result.stdout);
    assert.ok(outputOf(result, 'worker.1').includes('worker: got SIGUSR1, exiting'), result.stdout);
    assert.equal(result.code, 0);
    assert.deepEqual(result.leftovers, []);
  });

  it('--restart always restarts a process that exits 0; never leaves a crash alone', async () => {
    const always = await runCli(['start', '--no-timestamp', '-f', 'Procfile.always', '--restart', 'always'], {
      cwd: dir,
      env: { FORMATION_TEST_TIME_SCALE: '0.01' },
      signal: upThen('SIGTERM', /(once: ran[^]*){3}/),
    });
    assert.ok(outputOf(always, 'once.1').filter((l) => l === 'once: ran').length >= 3, always.stdout);
    assert.equal(always.code, 0);
    const never = await runCli(['start', '--no-timestamp', '-f', 'Procfile.always', '--restart', 'never'], { cwd: dir, timeoutMs: 10_000 });
    assert.equal(outputOf(never, 'once.1').filter((l) => l === 'once: ran').length, 1);
    assert.equal(never.code, 0, 'every process completed');
  });

  it('joins repeated -e options and trims blanks in -m', async () => {
    const result = await runCli(['start', '--no-timestamp', '-f', 'Procfile.echo', '-e', 'first.env', '-e', 'second.env', '-m', ' a = 1 '], { cwd: dir });
    assert.deepEqual(outputOf(result, 'a.1').filter((l) => l.startsWith('A=')), ['A=from-second']);
    assert.equal(result.code, 0);
  });

  it('reports a command too long to start, without pretending it ran', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'formation-e2big-'));
    writeFileSync(join(tmp, 'Procfile'), `big: echo ${'x'.repeat(200_000)}\n`);
    const result = await runCli(['start', '--no-timestamp'], { cwd: tmp });
    assert.match(result.stdout, /big\.1 +\| cannot start: .*E2BIG.*\(the command is too long\)/);
    assert.doesNotMatch(result.stdout, /exited with code/);
    assert.equal(result.code, 1);
  });

  describe('formation run', () => {
    it('runs a command with the env files and PORT, and exits with its status', async () => {
      const result = await runCli(['run', 'echo "$GREETING on $PORT"; exit 7'], { cwd: dir });
      assert.equal(result.stdout, 'hello on 5000');
      assert.equal(result.code, 7);
    });

    it('quotes several words as an argument vector', async () => {
      const result = await runCli(['run', 'node', '-e', 'console.log(1+1)'], { cwd: dir });
      assert.equal(result.stdout, '2');
      const quoted = await runCli(['run', 'printf', '[%s]', 'a b', "c'd", '$HOME'], { cwd: dir });
      assert.equal(quoted.stdout, "[a b][c'd][$HOME]");
    });

    it('stops the whole command tree when formation gets SIGTERM', async () => {
      const result = await runCli(['run', 'sleep 300 & sleep 301 & echo up; wait'], { cwd: dir, signal: { name: 'SIGTERM', whenOutput: /up/ } });
      assert.equal(result.code, 143);
      assert.deepEqual(result.leftovers, []);
    });

    it('runs a process type by name', async () => {
      const result = await runCli(['run', '-f', 'Procfile.always', 'once'], { cwd: dir });
      assert.equal(result.stdout, 'once: ran');
      assert.equal(result.code, 0);
    });

    it('gives the command an interactive stdin', async () => {
      const result = await runCli(['run', 'read line; echo "got $line"'], { cwd: dir, input: 'typed\n' });
      assert.equal(result.stdout, 'got typed');
    });

    it('reports a signal as 128+n', async () => {
      const result = await runCli(['run', 'kill -SEGV $$'], { cwd: dir });
      assert.equal(result.code, 139);
    });
  });

  describe('formation check', () => {
    it('prints the valid types, or located problems with status 1', async () => {
      const ok = await runCli(['check'], { cwd: dir });
      assert.equal(ok.stdout, 'valid procfile detected (web, worker)');
      assert.equal(ok.code, 0);
      const missing = await runCli(['check', '--json', '-f', 'Nope'], { cwd: dir });
      assert.equal(missing.code, 1);
      assert.deepEqual(JSON.parse(missing.stdout).problems.map((p: { code: string }) => p.code), ['not-found']);
    });

    it('prints exactly one JSON document, even for binary input', async () => {
      const result = await runCli(['check', '--json', '-f', process.execPath], { cwd: dir });
      const report = JSON.parse(result.stdout);
      assert.deepEqual(Object.keys(report), ['entries', 'problems']);
      assert.equal(result.code, 1);
    });
  });
});
