// Failure cases about processes that exit by themselves: a completed release task (26), a crash loop
// with backoff and giving up (27), exit codes and signals and the CLI's own exit status (28).
import * as assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { caseDir, outputOf, runCli } from '../support/cli';
import { allOf, lineIndex, removeTemp, show, tempCaseCopy, withoutPids } from '../support/caseRuns';

/** Backoff delays 20× shorter, so a whole crash loop (1+2+4+8+16 s) takes under 2 s. */
const FAST_BACKOFF = { FORMATION_TEST_TIME_SCALE: '0.05' };

describe('case 26 a process that exits with code 0 completes and does not stop the others', function () {
  this.timeout(30_000);
  const cwd = caseDir('26-process-exits-immediately');

  it('release.1 completes once, web.1 keeps running until the user stops it, exit 0', async () => {
    const result = await runCli(['start'], { cwd, signal: { name: 'SIGTERM', whenOutput: /web: heartbeat 3/ } });
    const out = show(result);
    assert.deepEqual(result.leftovers, [], out);
    assert.equal(result.code, 0, out);
    // Started once, not restarted, not reported as a crash.
    assert.deepEqual(withoutPids(outputOf(result, 'release.1')), ['started with pid N', 'release: migrations done', 'exited with code 0'], out);
    const released = lineIndex(result, /^release\.1 +\| exited with code 0$/);
    const stopped = lineIndex(result, /^system +\| SIGTERM received, stopping/);
    assert.ok(released < lineIndex(result, /web: heartbeat 1$/), `web runs on after release completed${out}`);
    // Nothing was stopped before the user asked.
    assert.equal(lineIndex(result, /^system +\| .*stopping/), stopped, out);
    const web = outputOf(result, 'web.1');
    assert.deepEqual(
      web.filter((line) => line.startsWith('web: heartbeat')).slice(0, 3),
      ['web: heartbeat 1', 'web: heartbeat 2', 'web: heartbeat 3'],
      out,
    );
    assert.ok(web.includes('web: got SIGTERM'), out);
    assert.ok(lineIndex(result, /^web\.1 +\| web: got SIGTERM$/) > stopped, out);
  });

  it('with --stop-on-exit (Foreman\'s behaviour) release.1 exiting stops web.1 for real, exit status 0', async () => {
    const result = await runCli(['start', '--stop-on-exit'], { cwd, timeoutMs: 15_000 });
    const out = show(result);
    assert.deepEqual(result.leftovers, [], out);
    assert.equal(result.code, 0, `the first exiting instance's status${out}`);
    assert.ok(lineIndex(result, /^system +\| release\.1 exited; stopping all processes/) >= 0, out);
    // web may get SIGTERM before its handler is installed: either way it stops on SIGTERM.
    assert.match(outputOf(result, 'web.1').at(-1) ?? '', /^(exited with code 0|terminated by SIGTERM)$/, out);
  });
});

describe('case 27 a crash loop restarts with backoff, then gives up', function () {
  this.timeout(30_000);
  const name = '27-crash-loop';
  const gaveUpThenHeartbeat = /flaky\.1 +\| gave up after 5 restarts in a row[\s\S]*web\.1 +\| web: heartbeat/;
  let cwd = '';
  beforeEach(() => (cwd = tempCaseCopy(name)));
  afterEach(() => removeTemp(cwd));

  it('restarts after 1, 2, 4, 8, 16 s (scaled), gives up after 5, web keeps running, exit status 1', async () => {
    const result = await runCli(['start'], { cwd, env: FAST_BACKOFF, signal: { name: 'SIGTERM', whenOutput: gaveUpThenHeartbeat } });
    const out = show(result);
    assert.deepEqual(result.leftovers, [], out);
    assert.equal(result.code, 1, `an instance gave up: exit status 1 even after the user's stop${out}`);
    const flaky = outputOf(result, 'flaky.1');
    const messages = withoutPids(flaky.filter((line) => !line.startsWith('flaky:')));
    const expected: string[] = [];
    for (const [i, delay] of [1, 2, 4, 8, 16].entries()) {
      expected.push('started with pid N', 'exited with code 3', `restarting in ${delay}s (restart ${i + 1} of 5)`);
    }
    expected.push('started with pid N', 'exited with code 3', 'gave up after 5 restarts in a row');
    assert.deepEqual(messages, expected, out);
    // The crash's own stderr is shown every time, merged into its output.
    assert.equal(flaky.filter((line) => line === 'flaky: Error: cannot connect to placeholder-db:5432').length, 6, out);
    // 6 starts in all: not hundreds, and none after giving up.
    assert.equal(readFileSync(join(cwd, 'starts.log'), 'utf8').trim().split('\n').length, 6, out);
    // web.1 was started once and never interrupted.
    const web = outputOf(result, 'web.1');
    assert.equal(web.filter((line) => line.startsWith('started with pid')).length, 1, out);
    const beats = web.filter((line) => line.startsWith('web: heartbeat'));
    assert.deepEqual(beats, beats.map((_, i) => `web: heartbeat ${i + 1}`), out);
    assert.equal(web.at(-1), 'terminated by SIGTERM', out);
  });

  it('every restart of flaky.1 gets the same PORT', async () => {
    writeFileSync(join(cwd, 'Procfile'), 'flaky: echo "flaky: PORT=$PORT" && node crash.js\nweb: node server.js\n');
    const result = await runCli(['start', '-p', '6000'], { cwd, env: FAST_BACKOFF, signal: { name: 'SIGTERM', whenOutput: gaveUpThenHeartbeat } });
    const out = show(result);
    assert.deepEqual(result.leftovers, [], out);
    assert.equal(result.code, 1, out);
    const ports = outputOf(result, 'flaky.1').filter((line) => line.startsWith('flaky: PORT='));
    assert.deepEqual(ports, Array(6).fill('flaky: PORT=6000'), out);
  });

  it('exit 127 (command not found) and 126 (not executable) give up at once', async () => {
    writeFileSync(join(cwd, 'not-executable.sh'), 'echo never\n');
    chmodSync(join(cwd, 'not-executable.sh'), 0o644);
    writeFileSync(join(cwd, 'Procfile'), 'missing: ./no-such-program\nnoexec: ./not-executable.sh\nweb: node server.js\n');
    const done = allOf(/missing\.1 +\| the command cannot run/, /noexec\.1 +\| the command cannot run/, /web: heartbeat 1/);
    const result = await runCli(['start'], { cwd, env: FAST_BACKOFF, signal: { name: 'SIGTERM', whenOutput: done } });
    const out = show(result);
    assert.deepEqual(result.leftovers, [], out);
    assert.equal(result.code, 1, out);
    for (const [instance, exit] of [
      ['missing.1', 'exited with code 127 (command not found)'],
      ['noexec.1', 'exited with code 126 (command not executable)'],
    ]) {
      const lines = outputOf(result, instance);
      assert.equal(lines.filter((line) => line.startsWith('started with pid')).length, 1, `${instance} is not restarted${out}`);
      assert.ok(lines.includes(exit), out);
      assert.equal(lines.at(-1), 'the command cannot run; not restarting', out);
    }
    assert.equal(outputOf(result, 'web.1').at(-1), 'terminated by SIGTERM', out);
  });
});

describe('case 28 exit codes and signals are reported, and the CLI exits with a status CI can use', function () {
  this.timeout(30_000);
  const name = '28-exit-code-reporting';
  // A temporary copy: a process killed by SIGSEGV may dump core into its working directory.
  let cwd = '';
  beforeEach(() => (cwd = tempCaseCopy(name)));
  afterEach(() => removeTemp(cwd));

  it('--stop-on-exit: fails.1 exits with 3, long.1 is stopped, the CLI exits with 3', async () => {
    const result = await runCli(['start', '--stop-on-exit'], { cwd, timeoutMs: 15_000 });
    const out = show(result);
    assert.deepEqual(result.leftovers, [], out);
    assert.equal(result.code, 3, out);
    assert.deepEqual(withoutPids(outputOf(result, 'fails.1')), ['started with pid N', 'fails: exiting with 3', 'exited with code 3'], out);
    assert.ok(lineIndex(result, /^system +\| fails\.1 exited; stopping all processes/) >= 0, out);
    assert.equal(outputOf(result, 'long.1').at(-1), 'terminated by SIGTERM', out);
    assert.doesNotMatch(result.stdout, /null/, out);
  });

  for (const [procfile, how] of [
    ['Procfile.signal', 'through a shell'],
    ['Procfile.signal-direct', 'without a shell'],
  ]) {
    it(`--stop-on-exit: a process killed by SIGSEGV (${how}) is reported with the signal, the CLI exits with 139`, async () => {
      const result = await runCli(['start', '-f', procfile, '--stop-on-exit'], { cwd, timeoutMs: 15_000 });
      const out = show(result);
      assert.deepEqual(result.leftovers, [], out);
      assert.equal(result.code, 139, out);
      const segv = outputOf(result, 'segv.1');
      assert.ok(segv.includes('segv: sending myself SIGSEGV'), out);
      assert.match(segv.at(-1) ?? '', /^(terminated by SIGSEGV|exited with code 139 \(SIGSEGV\))$/, out);
      assert.equal(outputOf(result, 'long.1').at(-1), 'terminated by SIGTERM', out);
      assert.doesNotMatch(result.stdout, /null/, out);
    });
  }

  it('without --stop-on-exit, a user stop after a crash exits 1', async () => {
    const result = await runCli(['start'], { cwd, signal: { name: 'SIGTERM', whenOutput: /fails\.1 +\| restarting in/ } });
    const out = show(result);
    assert.deepEqual(result.leftovers, [], out);
    assert.equal(result.code, 1, out);
    assert.deepEqual(
      withoutPids(outputOf(result, 'fails.1')),
      ['started with pid N', 'fails: exiting with 3', 'exited with code 3', 'restarting in 1s (restart 1 of 5)'],
      out,
    );
    assert.doesNotMatch(result.stdout, /null/, out);
  });
});
