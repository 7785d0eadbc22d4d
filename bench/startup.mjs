// Scenario 2: 50 instances that each print `ready` and sleep. Measured: time from the tool's start
// until all 50 `ready` lines are out; then the tool is stopped by its PID and leftovers are counted.
// Tools with counts run `-m web=50`; the minimal relay runs a Procfile with 50 types.
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { eachLine, launch, leftovers, parseLine, stopTool, workDir } from './lib.mjs';

const COMMAND = 'echo ready && sleep 120';
const LIMIT_MS = 60_000;

export async function startup(tool, { instances }) {
  const procfile = tool.counts
    ? `web: ${COMMAND}\n`
    : Array.from({ length: instances }, (_, i) => `web${i + 1}: ${COMMAND}\n`).join('');
  const dir = workDir({ Procfile: procfile });
  const run = launch(tool, { dir, procfile: join(dir, 'Procfile'), counts: tool.counts ? `web=${instances}` : undefined });
  const ready = new Set();
  const allReady = new Promise((done) => {
    eachLine(run.child.stdout, (line) => {
      const { name, text } = parseLine(line);
      if (text.trim() === 'ready') ready.add(name);
      if (ready.size === instances) done(performance.now());
    });
    setTimeout(() => done(undefined), LIMIT_MS);
    run.exited.then(() => done(undefined));
  });
  const readyAt = await allReady;
  const stop = await stopTool(run, tool.stopSignal);
  const left = await leftovers(run.marker);
  rmSync(dir, { recursive: true, force: true });
  return {
    seconds: readyAt === undefined ? undefined : (readyAt - run.t0) / 1000,
    ready: ready.size,
    stopSeconds: stop.seconds,
    killed: stop.killed,
    leftovers: left.length,
  };
}
