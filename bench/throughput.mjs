// Scenario 1: 4 writers × N numbered lines each, the tool's output going to a file.
// Each writer is `seq` (stdio-buffered 4 KiB writes that end mid-line), then `wN DONE`, then it sleeps
// so that no tool stops the others early (Foreman stops everything when one process exits).
// Measured: time from the tool's start (the headline), and from the first writer line, until every writer's DONE is in
// the file; then the tool is stopped by its PID and the file is checked line by line.
import { closeSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cpuSeconds, launch, leftovers, parseLine, sleep, stopTool, stripAnsi, workDir } from './lib.mjs';

const WRITERS = 4;
const STALL_MS = 5_000; // no new output for this long: the run ends incomplete
const LIMIT_MS = 120_000;
// What the tools say about their processes, under a writer's name (formation, Foreman) or on a line
// of its own (node-foreman): neither data nor torn. Anchored, so a message glued to data counts as torn.
const CHATTER = /^(started with pid \d+|exited with code \d+|terminated by SIG[A-Z0-9]+|restarting in .*|stopp(ing|ed)\b.*)$/;
const OWN_LINE = /^\[(DONE|OKAY|WARN|FAIL)\] |^\d+:\d+:\d+ [AP]M \S+ Exited with exit code \S+$/;

export async function throughput(tool, { lines }) {
  const procfile = Array.from({ length: WRITERS }, (_, i) =>
    `w${i + 1}: seq -f 'w${i + 1} %06.0f' 1 ${lines} && echo 'w${i + 1} DONE' && sleep 120\n`).join('');
  const dir = workDir({ Procfile: procfile });
  const out = join(dir, 'out.log');
  const fd = openSync(out, 'w');
  const run = launch(tool, { dir, procfile: join(dir, 'Procfile'), stdout: fd });
  closeSync(fd);
  const seen = await watch(out, run);
  const cpu = cpuSeconds(run.child.pid);
  const stop = await stopTool(run, tool.stopSignal);
  const left = await leftovers(run.marker);
  const check = analyse(out, lines);
  if (process.env.BENCH_KEEP) console.error(`kept ${out}`);
  else rmSync(dir, { recursive: true, force: true });
  const seconds = (seen.endAt - seen.firstAt) / 1000;
  return {
    ...check,
    complete: seen.complete,
    wall: (seen.endAt - run.t0) / 1000,
    rate: check.received / ((seen.endAt - run.t0) / 1000),
    relayRate: seconds > 0 ? check.received / seconds : NaN, // NaN: all lines came in one poll
    cpu,
    leftovers: left.length,
    killed: stop.killed,
  };
}

/** Polls the output file until all writers' DONE lines are in it (or output stalls). */
async function watch(file, run) {
  const fd = openSync(file, 'r');
  const buffer = Buffer.alloc(1 << 20);
  let offset = 0, tail = '', done = 0, firstAt, lastGrowth = performance.now(), exited = false;
  run.exited.then(() => { exited = true; });
  try {
    for (;;) {
      const now = performance.now();
      while (offset < statSync(file).size) {
        const n = readSync(fd, buffer, 0, buffer.length, offset);
        offset += n;
        lastGrowth = now;
        const text = tail + buffer.toString('latin1', 0, n);
        done += text.split(' DONE').length - 1;
        if (firstAt === undefined && / 0{5}1/.test(text)) firstAt = now;
        tail = text.slice(-4); // shorter than ' DONE': never counted twice
      }
      if (done >= WRITERS) return { firstAt, endAt: now, complete: true };
      const stalled = now - lastGrowth > (exited ? 1_000 : STALL_MS);
      if (stalled || now - run.t0 > LIMIT_MS) return { firstAt: firstAt ?? run.t0, endAt: lastGrowth, complete: false };
      await sleep(2);
    }
  } finally {
    closeSync(fd);
  }
}

/** Counts each writer's distinct valid lines, duplicates, and torn lines (anything else but chatter). */
function analyse(file, lines) {
  const seen = Array.from({ length: WRITERS }, () => new Uint8Array(lines + 1));
  let received = 0, duplicated = 0, torn = 0;
  const tornSamples = [];
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    if (raw === '') continue;
    const { name, text } = parseLine(stripAnsi(raw));
    const k = Number(name?.match(/^w(\d+)\.1$/)?.[1]);
    const t = text.trim();
    const m = t.match(/^w(\d+) (\d{6})$/);
    if (k && m && Number(m[1]) === k && Number(m[2]) >= 1 && Number(m[2]) <= lines) {
      if (seen[k - 1][Number(m[2])]++) duplicated++;
      else received++;
    } else if (!(t === `w${k} DONE` || (k && CHATTER.test(t)) || name === 'system' || (!name && OWN_LINE.test(t)))) {
      torn++;
      if (tornSamples.length < 3) tornSamples.push(raw.slice(0, 60));
    }
  }
  return { received, lost: WRITERS * lines - received, duplicated, torn, tornSamples };
}
