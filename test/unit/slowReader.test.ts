import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { CLI, FIXTURES } from './support/cli';

const dir = join(FIXTURES, 'cli');

/** Resident memory of a process, in MiB (Linux). */
function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
}

/** Starts the CLI with stdout on a pipe this test reads only when it wants to (a paused `| less`). */
function startPaused(procfile: string) {
  const child = execa(process.execPath, [CLI, 'start', '--no-timestamp', '-f', procfile], {
    cwd: dir,
    buffer: false,
    reject: false,
    stdin: 'ignore',
    timeout: 30_000,
    killSignal: 'SIGKILL',
    env: { PYTHONUNBUFFERED: undefined },
  });
  child.stdout?.pause();
  return child;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a slow reader of formation output', function () {
  this.timeout(40_000);

  it('keeps memory bounded: a fast writer waits for the reader instead of filling memory', async () => {
    const child = startPaused('Procfile.spam');
    await sleep(3000);
    const rss = rssMiB(child.pid!);
    child.stdout?.resume();
    child.kill('SIGTERM');
    await child;
    assert.ok(rss < 300, `formation used ${Math.round(rss)} MiB behind a paused reader`);
  });

  it('loses no line when the reader catches up late', async () => {
    const child = startPaused('Procfile.big');
    await sleep(4000);
    let text = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => (text += chunk));
    child.stdout?.resume();
    const result = await child;
    const numbers = text.split('\n').filter((line) => /^big\.1 +\| \d+$/.test(line));
    assert.equal(numbers.length, 200_000);
    assert.match(text, /big\.1 +\| exited with code 0\n$/);
    assert.equal(result.exitCode, 0);
  });
});
