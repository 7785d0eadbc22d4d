/**
 * The launcher classification of src/core/debug.ts against the real tools: each command runs the way
 * a debugged instance runs (`--inspect=127.0.0.1:0` appended to NODE_OPTIONS by nodeInspectorLaunch),
 * every inspector it announces is asked for its script (`/json/list`), and exactly the app's must not
 * be a launcher. npm and npx are the ones installed with Node; nodemon, tsx and ts-node are this
 * repository's devDependencies.
 *
 * The tools are found by prepending the repository's node_modules/.bin to PATH: the fixture
 * (test/fixtures/launchers) has a package.json for its scripts but no node_modules of its own, and npm
 * run-script and npx both keep the PATH they were given (after the fixture's own, missing, .bin).
 * Every run is its own process group (detached) and is killed as a group.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { statSync, utimesSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { isLauncherScript, listInspectorTargets, nodeInspectorLaunch, parseInspectorLine } from '../../src/core/debug';
import { FIXTURES, ROOT } from './support/cli';

const FIXTURE = join(FIXTURES, 'launchers');
/** How long a run may take to print `app ready` (or to restart). */
const READY_MS = 20_000;
const APP_READY = /app ready (\d+)/g;

/** One announced inspector and what it runs. */
interface Seen {
  port: number;
  /** `ws://127.0.0.1:PORT/UUID`: new for every process (a port may be reused once free). */
  websocketUrl: string;
  url: string;
  launcher: boolean;
}

/** A command run through `/bin/sh -c` in the fixture with the debug launch's environment; stdout and stderr merged. */
class Run {
  readonly child: ChildProcess;
  output = '';
  private exited = false;

  constructor(readonly command: string) {
    const { env } = nodeInspectorLaunch({
      command,
      env: { ...(process.env as Record<string, string>), PATH: `${join(ROOT, 'node_modules/.bin')}${delimiter}${process.env.PATH ?? ''}` },
    });
    // `exec 2>&1`: one pipe, so each process's inspector announcement comes before its own output.
    this.child = spawn('/bin/sh', ['-c', `exec 2>&1; ${command}`], { cwd: FIXTURE, env, detached: true, stdio: ['pipe', 'pipe', 'ignore'] });
    this.child.stdout?.setEncoding('utf8');
    this.child.stdout?.on('data', (chunk: string) => (this.output += chunk));
    this.child.once('exit', () => (this.exited = true));
  }

  /** The PIDs printed by `app ready <pid>` so far. */
  appPids(): number[] {
    return [...this.output.matchAll(APP_READY)].map((m) => Number(m[1]));
  }

  /** Waits until `app ready` has been printed `count` times; `poke` runs every second meanwhile. */
  async waitForApp(count: number, poke?: () => void): Promise<void> {
    const deadline = Date.now() + READY_MS;
    let poked = 0;
    while (this.appPids().length < count) {
      if (this.exited) assert.fail(`\`${this.command}\` exited before \`app ready\` #${count}:\n${this.output}`);
      if (Date.now() > deadline) assert.fail(`\`${this.command}\` printed no \`app ready\` #${count} within ${READY_MS} ms:\n${this.output}`);
      if (poke && Date.now() - poked >= 1000) {
        poke();
        poked = Date.now();
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Every inspector announced in the output from `from` (a string index) on, with the script it runs. */
  async inspectors(from = 0): Promise<Seen[]> {
    const addresses = this.output.slice(from).split('\n').map(parseInspectorLine).filter((a) => a !== undefined);
    return Promise.all(
      addresses.map(async ({ port, websocketUrl }) => {
        const targets = await listInspectorTargets(port);
        assert.equal(targets.length, 1, `inspector ${port} of \`${this.command}\` lists ${targets.length} targets`);
        return { port, websocketUrl, url: targets[0].url, launcher: isLauncherScript(targets[0].url) };
      }),
    );
  }

  /** Where the output after the `n`th (1-based) `app ready` starts. */
  afterApp(n: number): number {
    const match = [...this.output.matchAll(APP_READY)][n - 1];
    return match.index + match[0].length;
  }

  kill(): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/**
 * Asserts the inspectors seen, in announcement order: the launchers (each matching its pattern and
 * classified as a launcher), then the app (matching `app` and not a launcher).
 */
function assertClassified(seen: Seen[], launchers: RegExp[], app: RegExp): void {
  const summary = seen.map((s) => `${s.url} (${s.launcher ? 'launcher' : 'not a launcher'})`).join(', ');
  assert.equal(seen.length, launchers.length + 1, `inspectors seen: ${summary}`);
  launchers.forEach((pattern, i) => {
    assert.match(seen[i].url, pattern, `inspectors seen: ${summary}`);
    assert.equal(seen[i].launcher, true, `${seen[i].url} must be a launcher`);
  });
  const last = seen[seen.length - 1];
  assert.match(last.url, app, `inspectors seen: ${summary}`);
  assert.equal(last.launcher, false, `${last.url} is the app and must not be a launcher`);
}

/** Sets a fixture file's times to now (a watcher restarts) and returns a function that restores them. */
function touchable(file: string): { touch: () => void; restore: () => void } {
  const path = join(FIXTURE, file);
  const { atime, mtime } = statSync(path);
  return {
    touch: () => {
      const now = new Date();
      utimesSync(path, now, now);
    },
    restore: () => utimesSync(path, atime, mtime),
  };
}

const NPM = /\/npm\/bin\/npm-cli\.js$/;
const NPX = /\/npm\/bin\/npx-cli\.js$/;
const NODEMON = /\/node_modules\/nodemon\/bin\/nodemon\.js$/;
const TSX = /\/node_modules\/tsx\/dist\/cli\.mjs$/;
const APP_JS = /\/test\/fixtures\/launchers\/app\.js$/;
const APP_TS = /\/test\/fixtures\/launchers\/app\.ts$/;
/** ts-node compiles and runs the app in its own process: its bin is the process to attach to. */
const TS_NODE = /\/node_modules\/ts-node\/dist\/bin\.js$/;

describe('debugging: launchers and apps of the real tools', () => {
  const cases: { command: string; launchers: RegExp[]; app: RegExp }[] = [
    { command: 'node app.js', launchers: [], app: APP_JS },
    { command: 'npm start', launchers: [NPM], app: APP_JS },
    { command: 'npm run dev', launchers: [NPM, NODEMON], app: APP_JS },
    { command: 'npx nodemon app.js', launchers: [NPX, NODEMON], app: APP_JS },
    { command: 'tsx app.ts', launchers: [TSX], app: APP_TS },
    { command: 'tsx watch app.ts', launchers: [TSX], app: APP_TS },
    { command: 'ts-node app.ts', launchers: [], app: TS_NODE },
  ];

  for (const { command, launchers, app } of cases) {
    it(`\`${command}\`: ${launchers.length} launcher(s), then the app`, async function () {
      this.timeout(READY_MS + 10_000);
      const run = new Run(command);
      try {
        await run.waitForApp(1);
        assertClassified(await run.inspectors(), launchers, app);
      } finally {
        run.kill();
      }
    });
  }

  it('`npm run dev`: nodemon restarts the app after a change; the new inspector is the app', async function () {
    this.timeout(2 * READY_MS + 10_000);
    const run = new Run('npm run dev');
    const file = touchable('app.js');
    try {
      await run.waitForApp(1);
      const first = await run.inspectors();
      await run.waitForApp(2, file.touch);
      const [oldPid, newPid] = run.appPids();
      assert.notEqual(newPid, oldPid);
      const restarted = await run.inspectors(run.afterApp(1));
      assertClassified([...first.slice(0, 2), ...restarted], [NPM, NODEMON], APP_JS);
      assert.notEqual(restarted[0].websocketUrl, first[2].websocketUrl, 'a new inspector (the OS may hand out the same free port again)');
    } finally {
      run.kill();
      file.restore();
    }
  });

  it('`npx nodemon app.js`: after the app is killed, nodemon starts it again on a change; the new inspector is the app', async function () {
    this.timeout(2 * READY_MS + 10_000);
    const run = new Run('npx nodemon app.js');
    const file = touchable('app.js');
    try {
      await run.waitForApp(1);
      const first = await run.inspectors();
      process.kill(run.appPids()[0], 'SIGKILL');
      const crashed = Date.now() + READY_MS;
      while (!/app crashed/.test(run.output)) {
        if (Date.now() > crashed) assert.fail(`nodemon did not report the crash:\n${run.output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await run.waitForApp(2, file.touch);
      const restarted = await run.inspectors(run.afterApp(1));
      assertClassified([...first.slice(0, 2), ...restarted], [NPX, NODEMON], APP_JS);
      assert.notEqual(restarted[0].websocketUrl, first[2].websocketUrl, 'a new inspector (the OS may hand out the same free port again)');
    } finally {
      run.kill();
      file.restore();
    }
  });

  it('`tsx watch app.ts`: tsx restarts the app after a change; the new inspector is the app', async function () {
    this.timeout(2 * READY_MS + 10_000);
    const run = new Run('tsx watch app.ts');
    const file = touchable('app.ts');
    try {
      await run.waitForApp(1);
      const first = await run.inspectors();
      await run.waitForApp(2, file.touch);
      const restarted = await run.inspectors(run.afterApp(1));
      assertClassified([first[0], ...restarted], [TSX], APP_TS);
      assert.notEqual(restarted[0].websocketUrl, first[1].websocketUrl, 'a new inspector (the OS may hand out the same free port again)');
    } finally {
      run.kill();
      file.restore();
    }
  });
});
