// Failure cases about output: partial lines (30), the last line and blank lines (31), a very long
// line (32), stdout/stderr order (35), a burst of 100,000 lines (36) and Python's block buffering (37).
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { caseDir, outputOf, runCli } from '../support/cli';
import { arrivalMs, removeTemp, show, tempDir, withoutPids } from '../support/caseRuns';

describe('case 30 a line without a newline does not hold back other output', function () {
  this.timeout(30_000);
  const cwd = caseDir('30-partial-line-blocks-output');

  it('the prompt is shown after a short delay, ticks arrive as they are written, nothing is glued together', async () => {
    const result = await runCli(['start'], { cwd, signal: { name: 'SIGTERM', whenOutput: /prompt\.1 +\| \(no input, continuing\)/ } });
    const out = show(result);
    assert.deepEqual(result.leftovers, [], out);
    assert.equal(result.code, 0, out);
    const prompt = outputOf(result, 'prompt.1').filter((line) => !/^(started with pid|terminated by)/.test(line));
    assert.deepEqual(prompt, ['Password: ', '(no input, continuing)'], out);
    // Shown about 150 ms after it was written, not when the line completes 6 s later.
    const promptShown = arrivalMs(result, /^prompt\.1 +\| Password: $/) - arrivalMs(result, /^prompt\.1 +\| started with pid/);
    assert.ok(promptShown < 1500, `the prompt was shown after ${promptShown} ms${out}`);

    const ticker = outputOf(result, 'ticker.1').filter((line) => !/^(started with pid|terminated by)/.test(line));
    for (const line of ticker) assert.match(line, /^tick \d+ written at \d+$/, out);
    // While the prompt waited for its newline (6 s), the ticker's lines kept coming, each about when
    // it was written (the child's clock, last 5 digits of ms), not in a burst at the end.
    const ticks = result.timeline
      .filter((entry) => /^ticker\.1 +\| tick \d+ written at \d+$/.test(entry.line))
      .filter((entry) => entry.ms < arrivalMs(result, /^prompt\.1 +\| \(no input, continuing\)$/))
      .map((entry) => ({ ms: entry.ms, written: Number(/written at (\d+)$/.exec(entry.line)?.[1]) }));
    assert.ok(ticks.length >= 10, `${ticks.length} ticks before the prompt's line completed${out}`);
    for (const tick of ticks) {
      const shownLater = tick.ms - ticks[0].ms;
      const writtenLater = (tick.written - ticks[0].written + 100_000) % 100_000;
      assert.ok(Math.abs(shownLater - writtenLater) < 1000, `a tick written ${writtenLater} ms after the first was shown ${shownLater} ms after it${out}`);
    }
  });
});

describe('case 31 the last line without a newline and blank lines are shown', function () {
  this.timeout(30_000);

  it('every line in order, blank line and indentation kept, the last line flushed before the exit message', async () => {
    const result = await runCli(['start'], { cwd: caseDir('31-final-line-and-blank-lines'), timeoutMs: 15_000 });
    const out = show(result);
    assert.deepEqual(result.leftovers, [], out);
    assert.equal(result.code, 0, `the only process completed${out}`);
    assert.deepEqual(
      withoutPids(outputOf(result, 'last.1')),
      [
        'started with pid N',
        'line one',
        '',
        'line three (after a blank line)',
        '   indented line four',
        'final words without newline',
        'exited with code 0',
      ],
      out,
    );
  });

  it('a last line written just before exiting is flushed at end of output', async () => {
    const dir = tempDir('31');
    try {
      writeFileSync(join(dir, 'Procfile'), `quick: printf 'one\\n\\nno newline at the end'\n`);
      const result = await runCli(['start'], { cwd: dir, timeoutMs: 15_000 });
      const out = show(result);
      assert.deepEqual(result.leftovers, [], out);
      assert.equal(result.code, 0, out);
      assert.deepEqual(withoutPids(outputOf(result, 'quick.1')), ['started with pid N', 'one', '', 'no newline at the end', 'exited with code 0'], out);
    } finally {
      removeTemp(dir);
    }
  });
});

describe('case 32 a 200,000-character line stays one line', function () {
  this.timeout(30_000);

  it('one line of 200,000 characters ending in END, then the next line within about 1 s', async () => {
    const result = await runCli(['start'], { cwd: caseDir('32-very-long-output-line'), signal: { name: 'SIGTERM', whenOutput: /after: still alive/ } });
    const out = show(result);
    assert.deepEqual(result.leftovers, [], out);
    assert.equal(result.code, 0, out);
    const long = outputOf(result, 'long.1').filter((line) => !/^(started with pid|terminated by)/.test(line));
    assert.equal(long.length, 2, `${long.length} lines: ${long.map((line) => line.length).join(', ')} characters${out}`);
    assert.ok(long[0] === 'a'.repeat(199_997) + 'END', `the long line arrived intact (${long[0].length} characters)`);
    assert.equal(long[1], 'after: still alive', out);
    const shown = arrivalMs(result, /^long\.1 +\| after: still alive$/) - arrivalMs(result, /^long\.1 +\| started with pid/);
    assert.ok(shown < 3000, `the next line came ${shown} ms after the start${out}`);
  });
});

describe('case 35 stdout and stderr keep the order they were written in', function () {
  this.timeout(30_000);

  for (const run of [1, 2, 3]) {
    it(`run ${run}: out-1, err-1, … out-20, err-20, all as mix.1`, async () => {
      const result = await runCli(['start'], { cwd: caseDir('35-stdout-stderr-interleaving'), signal: { name: 'SIGTERM', whenOutput: /err-20/ } });
      const out = show(result);
      assert.deepEqual(result.leftovers, [], out);
      assert.equal(result.code, 0, out);
      const expected = Array.from({ length: 20 }, (_, i) => [`out-${i + 1}`, `err-${i + 1}`]).flat();
      assert.deepEqual(outputOf(result, 'mix.1').filter((line) => /^(out|err)-\d+$/.test(line)), expected, out);
      assert.equal(result.lines.filter((line) => /(out|err)-\d+$/.test(line)).length, 40, `every line is attributed to mix.1${out}`);
    });
  }
});

describe('case 36 a burst of 100,000 lines arrives whole and in order', function () {
  this.timeout(60_000);
  const cwd = caseDir('36-burst-100k-lines');

  it('lines 1..100000 in order, none split or lost, all before the exit message; web keeps running', async () => {
    const result = await runCli(['start'], { cwd, timeoutMs: 40_000, signal: { name: 'SIGTERM', whenOutput: /burst\.1 +\| exited with code 0/ } });
    const out = show(result);
    assert.deepEqual(result.leftovers, [], out);
    assert.equal(result.code, 0, out);
    const burst = outputOf(result, 'burst.1');
    assert.equal(burst.length, 100_002, out);
    assert.match(burst[0], /^started with pid \d+$/);
    for (let i = 1; i <= 100_000; i++) {
      if (burst[i] !== String(i)) assert.fail(`line ${i} of burst.1 is ${JSON.stringify(burst[i])}`);
    }
    assert.equal(burst[100_001], 'exited with code 0');
    // The burst completing did not stop web.1; the user's stop did.
    assert.equal(outputOf(result, 'web.1').at(-1), 'terminated by SIGTERM', out);
    const handled = arrivalMs(result, /^burst\.1 +\| exited with code 0$/) - arrivalMs(result, /^burst\.1 +\| started with pid/);
    assert.ok(handled < 10_000, `the burst took ${handled} ms`);

    // The case's own checker agrees.
    const dir = tempDir('36');
    try {
      writeFileSync(join(dir, 'output.log'), result.stdout);
      const check = await execa('sh', [join(cwd, 'check-output.sh'), join(dir, 'output.log')], { reject: false });
      assert.equal(check.stdout.trim(), 'lines=100000 in-order=yes');
    } finally {
      removeTemp(dir);
    }
  });
});

describe('case 37 Python output is shown on time without -u', function () {
  this.timeout(30_000);
  const cwd = caseDir('37-python-output-buffering');

  it('with PYTHONUNBUFFERED unset, children get PYTHONUNBUFFERED=1: ready within about 1 s, a heartbeat per second', async () => {
    // runCli removes PYTHONUNBUFFERED from the environment the CLI inherits.
    const result = await runCli(['start'], { cwd, signal: { name: 'SIGTERM', whenOutput: /py\.1 +\| heartbeat 2/ } });
    const out = show(result);
    assert.deepEqual(result.leftovers, [], out);
    assert.equal(result.code, 0, out);
    const py = outputOf(result, 'py.1');
    assert.match(py[1] ?? '', /^ready: pid \d+ stdout isatty=False PYTHONUNBUFFERED=1$/, out);
    assert.deepEqual(py.slice(2, 4), ['heartbeat 1', 'heartbeat 2'], out);
    const ready = arrivalMs(result, /^py\.1 +\| ready:/) - arrivalMs(result, /^py\.1 +\| started with pid/);
    assert.ok(ready < 2000, `ready was shown ${ready} ms after the start${out}`);
    // One per second, not in a burst.
    const gap = arrivalMs(result, /^py\.1 +\| heartbeat 2$/) - arrivalMs(result, /^py\.1 +\| heartbeat 1$/);
    assert.ok(gap > 500, `heartbeats 1 and 2 arrived ${gap} ms apart${out}`);
  });

  it('a PYTHONUNBUFFERED the user set is passed on as it is', async () => {
    const result = await runCli(['start'], { cwd, env: { PYTHONUNBUFFERED: 'yes' }, signal: { name: 'SIGTERM', whenOutput: /py\.1 +\| ready:/ } });
    const out = show(result);
    assert.deepEqual(result.leftovers, [], out);
    assert.match(outputOf(result, 'py.1')[1] ?? '', /PYTHONUNBUFFERED=yes$/, out);
  });
});
