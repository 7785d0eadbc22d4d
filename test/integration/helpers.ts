/**
 * Shared helpers of the integration suites (imported, not a suite itself): the extension's API,
 * waiting on its snapshot, a free base port, HTTP requests, and the processes the fixture runs
 * (found in /proc, so "no process left" is checked against the system, not the extension's word).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { ProcfileFormationApi, ProcfileInstanceSnapshot } from '../../src/api';

export const EXTENSION_ID = 'procfile-formation.procfile-formation';
/** The fixture workspace: test/fixtures/workspace of the project this compiled file (out/test/integration/…) is in. */
export const fixture = findFixture(__dirname);

function findFixture(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'test', 'fixtures', 'workspace');
    if (existsSync(join(candidate, 'Procfile'))) return realpathSync(candidate);
    if (dirname(dir) === dir) throw new Error(`no test/fixtures/workspace above ${from}`);
  }
}
export const procfileUri = vscode.Uri.file(join(fixture, 'Procfile'));

/** Activates the extension (if VS Code has not already) and returns its API. */
export async function activateApi(): Promise<ProcfileFormationApi> {
  const extension = vscode.extensions.getExtension<ProcfileFormationApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed in the extension host`);
  return extension.activate();
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Snapshot entry by instance name. */
export function instance(api: ProcfileFormationApi, name: string): ProcfileInstanceSnapshot | undefined {
  return api.getSnapshot().find((i) => i.name === name);
}

function describeSnapshot(api: ProcfileFormationApi): string {
  return api
    .getSnapshot()
    .map((i) => `${i.name}:${i.state}${i.pid ? `/pid ${i.pid}` : ''}:${i.port}${i.gaveUp ? ' gave up' : ''}`)
    .join(', ');
}

/**
 * Waits until `check(snapshot)` holds, re-checking on every change event and every 25 ms;
 * fails after `timeoutMs` with the last snapshot in the message.
 */
export async function waitFor(api: ProcfileFormationApi, what: string, check: (snapshot: ProcfileInstanceSnapshot[]) => boolean, timeoutMs = 10_000): Promise<ProcfileInstanceSnapshot[]> {
  const deadline = Date.now() + timeoutMs;
  let wake: () => void = () => {};
  const subscription = api.onDidChange(() => wake());
  try {
    for (;;) {
      const snapshot = api.getSnapshot();
      if (check(snapshot)) return snapshot;
      if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}; snapshot: ${describeSnapshot(api)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 25);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    subscription.dispose();
  }
}

/** Waits until every named instance is `running` with a PID; returns their snapshots in that order. */
export async function waitRunning(api: ProcfileFormationApi, names: string[], timeoutMs = 10_000): Promise<ProcfileInstanceSnapshot[]> {
  const snapshot = await waitFor(api, `${names.join(', ')} running`, (s) => names.every((n) => s.some((i) => i.name === n && i.state === 'running' && i.pid !== null)), timeoutMs);
  return names.map((n) => snapshot.find((i) => i.name === n)!);
}

/** True while a process exists and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** The process group of a live process (field 5 of /proc/PID/stat). */
export function processGroupOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

/** The PID in the fixture web server's answer (`web.1 <pid> on <port>`), checking name and port. */
export function answeringPid(body: string, name: string, port: number): number {
  const match = new RegExp(`^${name.replace('.', '\\.')} (\\d+) on ${port}\\n$`).exec(body);
  assert.ok(match, `unexpected answer from ${name} on :${port}: ${JSON.stringify(body)}`);
  return Number(match[1]);
}

/** Waits until none of `pids` is alive. */
export async function waitGone(pids: number[], timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(alive)) {
    if (Date.now() > deadline) assert.fail(`processes still alive after ${timeoutMs} ms: ${pids.filter(alive).join(', ')}`);
    await sleep(50);
  }
}

/**
 * Live processes the fixture's formation runs: every instance's environment carries `PS=<name>`
 * (set by the supervisor); with the runner's `FORMATION_TEST_RUN` marker (inherited from code-server)
 * only this run's count, else those whose working folder is the fixture.
 */
export function fixtureProcesses(): { pid: number; ps: string; cmdline: string }[] {
  const marker = process.env.FORMATION_TEST_RUN === undefined ? undefined : `FORMATION_TEST_RUN=${process.env.FORMATION_TEST_RUN}`;
  const found: { pid: number; ps: string; cmdline: string }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${name}/environ`, 'latin1').split('\0');
      const ps = environ.find((entry) => entry.startsWith('PS='));
      if (ps === undefined) continue;
      const ours = marker !== undefined ? environ.includes(marker) : readlinkSync(`/proc/${name}/cwd`) === fixture;
      if (!ours || !alive(Number(name))) continue;
      found.push({ pid: Number(name), ps: ps.slice(3), cmdline: readFileSync(`/proc/${name}/cmdline`, 'latin1').split('\0').join(' ').trim() });
    } catch {
      /* gone, or not ours to read */
    }
  }
  return found;
}

/** Waits (bounded) until the fixture has no process left; fails naming the survivors. */
export async function assertNoFixtureProcesses(timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = fixtureProcesses();
    if (left.length === 0) return;
    if (Date.now() > deadline) assert.fail(`fixture processes left: ${left.map((p) => `${p.pid} (${p.ps}: ${p.cmdline})`).join('; ')}`);
    await sleep(50);
  }
}

/** Stop All through the command, then the proof: every instance stopped/exited/crashed, no process left. */
export async function stopAllAndCheck(api: ProcfileFormationApi): Promise<void> {
  await vscode.commands.executeCommand('procfile.stopAll');
  await waitFor(api, 'every instance to be down', (s) => s.every((i) => ['stopped', 'exited', 'crashed'].includes(i.state) && i.pid === null));
  await assertNoFixtureProcesses();
}

/** True when `port` can be listened on at 127.0.0.1 right now. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A base port whose formation ports (web base…base+1, worker base+100…+102, base+200, base+300) are
 * free, so parallel runs (UI tests, another window) do not clash: 5600 first.
 */
export async function freeBasePort(): Promise<number> {
  for (const base of [5600, 6600, 7600, 8600, 9600, 15600, 16600, 17600, 18600, 19600]) {
    const ports = [base, base + 1, base + 100, base + 101, base + 102, base + 200, base + 300];
    if ((await Promise.all(ports.map(portFree))).every(Boolean)) return base;
  }
  throw new Error('no free base port found');
}

/** GET http://127.0.0.1:port/ without keep-alive (so a stopping server closes at once); resolves with the body. */
export function httpGet(port: number, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path: '/', agent: false, headers: { connection: 'close' }, timeout: timeoutMs }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve(body));
    });
    request.on('timeout', () => request.destroy(new Error(`GET :${port} timed out`)));
    request.on('error', reject);
  });
}

/** Retries {@link httpGet} until it answers (the server may still be binding its port). */
export async function httpGetEventually(port: number, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await httpGet(port);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(100);
    }
  }
}

/** Sets a `procfile.*` user setting for the duration of a suite; returns the restore function. */
export async function withUserSetting(key: string, value: unknown): Promise<() => Promise<void>> {
  const config = vscode.workspace.getConfiguration('procfile');
  const previous = config.inspect(key)?.globalValue;
  await config.update(key, value, vscode.ConfigurationTarget.Global);
  return async () => {
    await vscode.workspace.getConfiguration('procfile').update(key, previous, vscode.ConfigurationTarget.Global);
  };
}

/** The names of the terminals open in the window. */
export function terminalNames(): string[] {
  return vscode.window.terminals.map((t) => t.name);
}

/** What a suite using {@link useFormation} gets once its `before` hook ran. */
export interface FormationContext {
  api: ProcfileFormationApi;
  /** `procfile.basePort` for the suite: web.1 gets it, worker.1 base+100. */
  base: number;
}

/**
 * Hooks for a suite that runs the fixture: activates the extension, sets a free `procfile.basePort`
 * (user setting, restored after the suite), and ends every test with Stop All and the check that no
 * fixture process is left.
 */
export function useFormation(): FormationContext {
  const context = {} as FormationContext;
  let restore: (() => Promise<void>) | undefined;
  before(async function () {
    this.timeout(20_000);
    context.api = await activateApi();
    context.base = await freeBasePort();
    restore = await withUserSetting('basePort', context.base);
    await waitFor(context.api, `web.1 on port ${context.base}`, (s) => s.some((i) => i.name === 'web.1' && i.port === context.base));
  });
  afterEach(async function () {
    this.timeout(30_000);
    await stopAllAndCheck(context.api);
  });
  after(async function () {
    this.timeout(20_000);
    await restore?.();
  });
  return context;
}

/** Waits (bounded) for the terminal named `name` to be open; returns it. */
export async function terminalNamed(name: string, timeoutMs = 5000): Promise<vscode.Terminal> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const terminal = vscode.window.terminals.find((t) => t.name === name);
    if (terminal) return terminal;
    if (Date.now() > deadline) assert.fail(`no terminal named ${name}; terminals: ${terminalNames().join(', ')}`);
    await sleep(50);
  }
}
