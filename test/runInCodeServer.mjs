/**
 * Runs the integration suites inside a real VS Code extension host: code-server (VS Code's server and
 * workbench, on Node 24) opened in headless Chromium through playwright-core, with the same
 * `extensionDevelopmentPath` / `extensionTestsPath` contract as `@vscode/test-electron` (see
 * ../shared/vscode-harness.md). Each run in RUNS gets its own server, profile and browser; the extension
 * host's output is forwarded to stdout; results come only from the suite's `run()` promise and its
 * "N passed, N failed" line, cross-checked against code-server's log (a crashed or `process.exit`-ing
 * host still makes the workbench report success). Ends with one plain line "N passed, N failed" summed
 * over the runs; exits 1 on any failure. Tools are installed on first use (scripts/test-tools.mjs).
 *
 *   node test/runInCodeServer.mjs                 # all runs; FORMATION_TEST_RUNS=workspace picks some
 *   MOCHA_GREP=Activation node test/runInCodeServer.mjs
 *   FORMATION_TEST_VERBOSE=1 …                    # also the workbench's start-up log lines
 * Logs of a failed run (server.log, host.log, browser.log) are kept in a temp folder it names.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { ensureTestTools } from '../scripts/test-tools.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const suiteIndex = join(root, 'out', 'test', 'integration', 'index.js');
const fixture = join(root, 'test', 'fixtures', 'workspace');

/** One code-server window each. `suite` is a subfolder of test/integration ('' = the top level). */
const RUNS = [
  { name: 'workspace', folder: fixture, suite: '', trust: false },
  { name: 'untrusted', folder: fixture, suite: 'untrusted', trust: true },
];

const RUN_TIMEOUT_MS = Number(process.env.FORMATION_TEST_TIMEOUT_MS || 300_000);
const STEP_TIMEOUT_MS = 60_000;
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const EXIT_LINE = /Extension Host Process exited with code: (\S+), signal: (\S+?)\.?$/m;
const COUNTS_LINE = /^(\d+) passed, (\d+) failed$/;
// The workbench's own start-up chatter arrives on the same channel as the extension host's output.
const WORKBENCH_NOISE = /^(Resolving connection token|Resolved connection token|Creating a socket|\[reconnection-grace-time\]|\[Service Worker\]|\[AgentHost|\[AccountPolicyGate\]|Ignoring fetching additional builtin extensions|No search provider registered)/;
const verbose = Boolean(process.env.FORMATION_TEST_VERBOSE);

export const cleanups = new Set();
const say = (line) => process.stdout.write(`${line}\n`);
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Rejects after `ms` with a message naming the step. */
export function within(ms, what, promise) {
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms / 1000} s`)), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Kills a process group by its leader's PID: SIGTERM, then SIGKILL if still there after `graceMs`. */
export async function killGroup(pid, graceMs = 5_000) {
  const alive = () => { try { process.kill(-pid, 0); return true; } catch { return false; } };
  if (!alive()) return;
  try { process.kill(-pid, 'SIGTERM'); } catch { /* gone */ }
  for (const end = Date.now() + graceMs; alive() && Date.now() < end;) await sleep(100);
  if (alive()) try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
}

/** PIDs whose environment carries `marker` (processes the run left behind, e.g. escaped children). */
export function processesWith(marker) {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).filter((pid) => {
    try { return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(marker); } catch { return false; }
  }).map(Number);
}

/** code-server's environment: no VS Code variables of a parent window, XDG and TMPDIR inside `tmp`. */
export function serverEnv(tmp, run, marker) {
  const env = Object.fromEntries(Object.entries(process.env)
    .filter(([key]) => !key.startsWith('VSCODE_') && key !== 'ELECTRON_RUN_AS_NODE'));
  for (const dir of ['xdg-data', 'xdg-config', 'xdg-cache', 'xdg-state', 'tmp']) mkdirSync(join(tmp, dir));
  const [key, value] = marker.split('=');
  return { ...env, XDG_DATA_HOME: join(tmp, 'xdg-data'), XDG_CONFIG_HOME: join(tmp, 'xdg-config'),
    XDG_CACHE_HOME: join(tmp, 'xdg-cache'), XDG_STATE_HOME: join(tmp, 'xdg-state'), TMPDIR: join(tmp, 'tmp'),
    EXTENSIONS_GALLERY: '{}', FORMATION_TEST_SUITE: run.suite, [key]: value };
}

/** Starts code-server; resolves with its process, port and a view of its log. */
export async function startServer(tools, tmp, run, marker) {
  const settings = {
    'workbench.startupEditor': 'none',
    'security.workspace.trust.enabled': run.trust,
    'security.workspace.trust.startupPrompt': 'never',
    'chat.disableAIFeatures': true,
    'terminal.integrated.gpuAcceleration': 'off',
    // VS Code in a browser saves after a 1 s delay by default; tests that edit a Procfile without
    // saving (the fixture's own!) need the desktop default.
    'files.autoSave': 'off',
  };
  mkdirSync(join(tmp, 'data', 'User'), { recursive: true });
  writeFileSync(join(tmp, 'data', 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  writeFileSync(join(tmp, 'config.yaml'), 'auth: none\ncert: false\n');
  const args = [tools.entry, '--config', join(tmp, 'config.yaml'), '--auth', 'none', '--bind-addr', '127.0.0.1:0',
    '--user-data-dir', join(tmp, 'data'), '--extensions-dir', join(tmp, 'ext'), '--disable-telemetry',
    '--disable-update-check', '--disable-getting-started-override', '--ignore-last-opened',
    '--vscode-option', 'enable-smoke-test-driver', ...(run.trust ? [] : ['--disable-workspace-trust']), run.folder];
  const server = spawn(tools.node, args, { cwd: tmp, env: serverEnv(tmp, run, marker), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = () => killGroup(server.pid);
  cleanups.add(stop);
  server.on('exit', () => cleanups.delete(stop));
  const file = createWriteStream(join(tmp, 'server.log'));
  const log = { text: '' };
  for (const stream of [server.stdout, server.stderr]) stream.on('data', (chunk) => { log.text += chunk; file.write(chunk); });
  const port = await within(STEP_TIMEOUT_MS, 'code-server start', new Promise((resolvePort, reject) => {
    const check = () => {
      const match = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(log.text);
      if (match) resolvePort(Number(match[1]));
    };
    server.stdout.on('data', check);
    server.stderr.on('data', check);
    server.on('exit', (code) => reject(new Error(`code-server exited early with code ${code}; see ${tmp}/server.log`)));
  }));
  return { server, port, log };
}

/** One run, then a check for processes it left behind. */
async function runOne(tools, run) {
  const result = await runWindow(tools, run);
  // Processes started by the extension run in their own groups; any still there once the extension host
  // has exited and the server's group is gone is a failure (deactivate must stop them) — and ours to stop.
  for (let i = 0; i < 30 && processesWith(result.marker).length > 0; i++) await sleep(100);
  const left = processesWith(result.marker);
  for (const pid of left) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  if (left.length > 0) result.problem ??= `${left.length} process(es) left behind after the run (PIDs ${left.join(', ')}, killed)`;
  return result;
}

/** Server, browser and test window of one run; resolves with { passed, failed, problem, tmp, marker }. */
async function runWindow(tools, run) {
  const tmp = mkdtempSync(join(tmpdir(), `formation-${run.name}-`));
  const marker = `FORMATION_TEST_RUN=${run.name}-${process.pid}-${Date.now()}`;
  let counts = null;
  let server;
  let browser;
  try {
    const started = await startServer(tools, tmp, run, marker);
    server = started.server;
    const { chromium } = createRequire(join(tools.tools, 'package.json'))('playwright-core');
    // A browser server (not `launch`) so that its PID is ours to stop if closing it hangs.
    browser = await within(STEP_TIMEOUT_MS, 'Chromium launch', chromium.launchServer({ executablePath: tools.chromium, headless: true, args: CHROMIUM_ARGS }));
    const browserPid = browser.process().pid;
    const stopBrowser = () => killGroup(browserPid, 2_000);
    cleanups.add(stopBrowser);
    browser.process().on('exit', () => cleanups.delete(stopBrowser));
    const client = await within(STEP_TIMEOUT_MS, 'Chromium connect', chromium.connect(browser.wsEndpoint()));
    const page = await client.newPage();
    const browserLog = createWriteStream(join(tmp, 'browser.log'));
    page.on('console', (message) => browserLog.write(`${message.type()}: ${message.text()}\n`));
    page.on('pageerror', (error) => browserLog.write(`pageerror: ${error.message}\n`));
    const hostLog = createWriteStream(join(tmp, 'host.log'));

    let exited;
    const exitCode = new Promise((r) => { exited = r; });
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      const text = format(...(Array.isArray(args) ? args : [args])).replace(/\n$/, '');
      for (const line of text.split('\n')) {
        const match = COUNTS_LINE.exec(line.trim());
        if (match) counts = { passed: Number(match[1]), failed: Number(match[2]) };
      }
      hostLog.write(`${text}\n`);
      if (verbose || !WORKBENCH_NOISE.test(text)) say(text);
    });
    await page.exposeFunction('codeAutomationExit', (code) => exited(code));

    const remote = (path) => `vscode-remote://127.0.0.1:${started.port}${path}`;
    const payload = [['extensionDevelopmentPath', remote(root)], ['extensionTestsPath', remote(suiteIndex)],
      ['skipWelcome', 'true'], ['skipReleaseNotes', 'true']];
    const url = `http://127.0.0.1:${started.port}/?folder=${encodeURIComponent(run.folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    say(`--- ${run.name}: ${run.folder} (trust ${run.trust ? 'on' : 'off'}${run.suite ? `, suite ${run.suite}` : ''})`);
    await within(STEP_TIMEOUT_MS, 'open the workbench', page.goto(url));
    const code = await within(RUN_TIMEOUT_MS, `run ${run.name}`, exitCode);

    // The workbench reports 0 even when the host crashed or the suite called process.exit: check the log.
    const host = await within(15_000, 'extension host exit in code-server log', (async () => {
      for (;;) { const m = EXIT_LINE.exec(started.log.text); if (m) return m; await sleep(100); }
    })()).catch(() => null);
    const problem =
      code !== 0 ? `the workbench reported exit code ${code}`
      : !host ? 'code-server never logged the extension host exit'
      : host[1] !== '0' || host[2] !== 'null' ? `the extension host exited with code ${host[1]}, signal ${host[2]}`
      : !counts ? 'the suite printed no "N passed, N failed" line'
      : null;
    return { ...(counts ?? { passed: 0, failed: 0 }), problem, tmp, marker };
  } catch (error) {
    return { ...(counts ?? { passed: 0, failed: 0 }), problem: error.message, tmp, marker };
  } finally {
    await within(10_000, 'Chromium close', browser?.close() ?? Promise.resolve()).catch(() => {});
    if (server) await killGroup(server.pid);
  }
}

/**
 * Runs the runs that `envVar` selects (comma-separated names; all when unset) one after another with
 * `runOne(tools, run)`, reports each, keeps the temp folder of a failed one, and prints the summed
 * line `N passed, N failed`. A run with a problem counts as failed even when no test failed.
 *
 * @returns the exit status: 0 when everything passed
 */
export async function runSelected(all, envVar, runOne, { keptWhat = 'logs', after } = {}) {
  const tools = await ensureTestTools();
  const wanted = process.env[envVar]?.split(',').map((s) => s.trim()).filter(Boolean);
  const runs = wanted ? all.filter((run) => wanted.includes(run.name)) : all;
  if (runs.length === 0) throw new Error(`no run named ${wanted.join(', ')}; runs: ${all.map((r) => r.name).join(', ')}`);
  let passed = 0;
  let failed = 0;
  for (const run of runs) {
    const started = Date.now();
    const result = await runOne(tools, run);
    passed += result.passed;
    failed += result.failed;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (result.problem) {
      if (result.failed === 0) failed += 1;
      say(`${run.name}: FAILED in ${seconds} s: ${result.problem} (${keptWhat} kept in ${result.tmp})`);
    } else {
      say(`${run.name}: ${result.passed} passed, ${result.failed} failed in ${seconds} s`);
      rmSync(result.tmp, { recursive: true, force: true, maxRetries: 3 });
    }
  }
  after?.();
  say(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

/** Stops everything in `cleanups` on SIGINT/SIGTERM, then exits 130. */
export function stopOnSignals() {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, async () => {
      await Promise.all([...cleanups].map((cleanup) => cleanup()));
      process.exit(130);
    });
  }
}

// Run only as a script: test/e2e/runUi.mjs imports the helpers above.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  stopOnSignals();
  runSelected(RUNS, 'FORMATION_TEST_RUNS', runOne).then(
    (code) => { process.exitCode = code; },
    (error) => {
      say(`error: ${error.message}`);
      say('0 passed, 1 failed');
      process.exitCode = 1;
    },
  );
}
