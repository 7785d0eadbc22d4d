// Scenario 3: stop a tree with grandchildren and a SIGTERM-ignorer. Once all four types said `ready`,
// the tool's PID gets its stop signal; measured: seconds until the tool exits (SIGKILL to its PID after
// 15 s) and the processes carrying the run's marker still alive 0.5 s after it exited.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH, eachLine, launch, leftovers, marked, parseLine, sleep, stopTool, workDir } from './lib.mjs';

const TIMEOUT = 2; // seconds between SIGTERM and SIGKILL, where the tool has such a setting
const LIMIT_MS = 30_000;
const node = JSON.stringify(process.execPath);
const fixture = (name) => JSON.stringify(join(BENCH, 'fixtures', name));
const PROCFILE = [
  `shtree: sh -c 'sleep 300 & echo ready; sleep 300; wait'`,
  `nodetree: ${node} ${fixture('tree-parent.mjs')}`,
  `bashtree: bash -c 'echo bash tree; echo ready; sleep 300'`,
  `ignorer: ${node} ${fixture('ignore-sigterm.mjs')}`,
].join('\n') + '\n';
const TYPES = 4;

export async function stop(tool) {
  const dir = workDir({ Procfile: PROCFILE });
  const timeout = tool.timeout ? TIMEOUT : undefined;
  const run = launch(tool, { dir, procfile: join(dir, 'Procfile'), timeout });
  const ready = new Set();
  const allReady = new Promise((done) => {
    eachLine(run.child.stdout, (line) => {
      const { name, text } = parseLine(line);
      if (text.trim() === 'ready') ready.add(name);
      if (ready.size === TYPES) done(true);
    });
    setTimeout(() => done(false), LIMIT_MS);
    run.exited.then(() => done(false));
  });
  const up = await allReady;
  await sleep(300); // let the shells reach their foreground `sleep 300`
  const before = marked(run.marker).length; // the tool and its whole tree
  const result = await stopTool(run, tool.stopSignal);
  const left = await leftovers(run.marker);
  rmSync(dir, { recursive: true, force: true });
  return { up, processes: before, timeout, ...result, leftovers: left };
}
