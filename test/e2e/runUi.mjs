/**
 * UI tests, driven as a user would through Playwright: code-server (the real VS Code workbench) in
 * headless Chromium at 1280×800, on a copy of test/fixtures/workspace (so no fixture file changes),
 * with procfile.basePort set in the copy so the ports never clash with the integration runs.
 *
 *   ui    the extension loaded with only `extensionDevelopmentPath` (no test runner in the host):
 *         open the Procfile view, click Start on `web`, "Procfile: Scale…" from the palette → worker → 3,
 *         Start on `worker`, open `worker.3`'s terminal and read its heartbeat, click Debug on `web.1` →
 *         the debug toolbar shows while web.1 answers, stop the session → web.1 runs normally, "Procfile: Stop All" →
 *         none of the run's processes left.
 *   vsix  `npm run package`, then the .vsix installed with `entry.js --install-extension` into a fresh
 *         code-server opened WITHOUT extensionDevelopmentPath: the view shows `web`, Start runs it (HTTP
 *         answers), Stop All stops it — nothing is missing from the bundle.
 *
 * Each step is one test; after a failed step the rest of that window is skipped (a screenshot of the
 * moment is kept with the logs). Screenshots go to the run's temp folder; with `--screenshots` (or
 * FORMATION_UI_SCREENSHOTS=1) the README ones are written to media/screenshots/ instead.
 * Ends with the plain line "N passed, N failed"; exits 1 on any failure.
 *
 *   npm run test:ui                         # both windows; FORMATION_UI_RUNS=vsix picks one
 *   npm run test:ui -- --screenshots        # refresh media/screenshots/*.png
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { runBounded } from '../../scripts/test-tools.mjs';
import { CHROMIUM_ARGS, cleanups, killGroup, processesWith, runSelected, sleep, startServer, stopOnSignals, within } from '../runInCodeServer.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixture = join(root, 'test', 'fixtures', 'workspace');
const { name: extensionName, publisher, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const vsixPath = join(root, `${extensionName}-${version}.vsix`);
const saveScreenshots = process.argv.includes('--screenshots') || Boolean(process.env.FORMATION_UI_SCREENSHOTS);
const screenshotDir = join(root, 'media', 'screenshots');

const VIEWPORT = { width: 1280, height: 800 };
const STEP_TIMEOUT_MS = 30_000;
const WINDOW_TIMEOUT_MS = 180_000;
const say = (line) => process.stdout.write(`${line}\n`);

/** PIDs of the processes the extension started in this run: they carry the run's marker and `PS`. */
function instancePids(marker) {
  return processesWith(marker).filter((pid) => {
    try { return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').some((entry) => entry.startsWith('PS=')); } catch { return false; }
  });
}

/** Waits until `check()` returns a truthy value (returned) or fails with `what` after `ms`. */
async function until(what, check, ms = STEP_TIMEOUT_MS) {
  let last;
  for (const end = Date.now() + ms; Date.now() < end; await sleep(200)) {
    try { last = await check(); if (last) return last; } catch (error) { last = error; }
  }
  throw new Error(`${what}: not so after ${ms / 1000} s${last instanceof Error ? ` (${last.message.split('\n')[0]})` : ''}`);
}

/** A copy of the fixture workspace with its own base port (the fixture itself never changes). */
function workspaceCopy(tmp, basePort) {
  const folder = join(tmp, 'workspace');
  cpSync(fixture, folder, { recursive: true });
  // The fixture's settings (JSON with comments) stay; the base port goes in first.
  const settings = join(folder, '.vscode', 'settings.json');
  mkdirSync(dirname(settings), { recursive: true });
  const text = existsSync(settings) ? readFileSync(settings, 'utf8') : '{}';
  writeFileSync(settings, text.replace('{', `{\n  "procfile.basePort": ${basePort},`));
  return folder;
}

/** What a user sees and does in the workbench. */
class Workbench {
  constructor(page, shots) {
    this.page = page;
    this.shots = shots;
  }

  row(name) {
    // Tree rows' accessible name starts with the label ("web", "web.1"), then the description.
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return this.page.locator('.part.sidebar').getByRole('treeitem', { name: new RegExp(`^${escaped}(?![.\\w])`) });
  }

  async rowText(name) {
    return (await this.row(name).innerText({ timeout: 2_000 })).replace(/\s+/g, ' ').trim();
  }

  async waitForRowText(name, pattern, ms) {
    let text;
    return until(`row ${name} matches ${pattern}`, async () => {
      text = await this.rowText(name);
      return pattern.test(text) && text;
    }, ms).catch((error) => { throw new Error(`${error.message}; it says ${JSON.stringify(text)}`); });
  }

  async openProcfileView() {
    const tab = this.page.getByRole('tab', { name: /^Procfile/ });
    await tab.waitFor({ timeout: STEP_TIMEOUT_MS });
    if (!/\bchecked\b/.test((await tab.getAttribute('class')) ?? '')) await tab.click();
    await this.page.locator('.part.sidebar', { hasText: /Processes/i }).waitFor({ timeout: STEP_TIMEOUT_MS });
  }

  /** A tidy window for the pictures: no empty secondary side bar, a side bar wide enough for PIDs. */
  async tidy() {
    const auxiliary = this.page.locator('.part.auxiliarybar');
    if (await auxiliary.isVisible()) {
      await this.page.locator('.part.titlebar .action-label[aria-label^="Toggle Secondary Side Bar"]').click().catch(() => {});
      await auxiliary.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => {});
    }
    const box = await this.page.locator('.part.sidebar').boundingBox();
    if (box && box.width < 400) {
      const y = box.y + box.height / 2;
      await this.page.mouse.move(box.x + box.width + 1, y);
      await this.page.mouse.down();
      await this.page.mouse.move(box.x + 420, y, { steps: 5 });
      await this.page.mouse.up();
    }
  }

  /** Hovers a row to reveal its inline actions and clicks the one whose label starts with `action`. */
  async clickInline(rowName, action) {
    const row = this.row(rowName);
    await row.hover();
    const button = row.locator(`.actions .action-label[aria-label^="${action}"]`);
    await button.waitFor({ state: 'visible', timeout: 5_000 });
    await button.click();
  }

  async runFromPalette(title) {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await input.fill(`>${title}`);
    // Enter runs the focused row: wait until that is the command (not a row of the unfiltered list).
    const focused = this.page.locator('.quick-input-widget .monaco-list-row.focused');
    await until(`"${title}" focused in the palette`, async () => (await focused.innerText({ timeout: 1_000 })).includes(title));
    if (process.env.FORMATION_UI_DEBUG) await this.page.screenshot({ path: join(this.shots, `..`, `palette-${Date.now()}.png`) });
    await this.page.keyboard.press('Enter');
    // The palette is done when it closed or became the command's own quick pick / input box.
    await until(`"${title}" run`, async () => !(await input.isVisible()) || !(await input.inputValue()).startsWith('>'));
  }

  async quickInput() {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    return input;
  }

  async terminalText() {
    return this.page.locator('.part.panel .terminal-wrapper.active .xterm-rows').innerText({ timeout: 2_000 });
  }

  async screenshot(name) {
    const file = join(saveScreenshots ? screenshotDir : this.shots, `${name}.png`);
    mkdirSync(dirname(file), { recursive: true });
    await this.page.mouse.move(1, VIEWPORT.height - 1); // no stray hover tooltips
    await sleep(300);
    await this.page.screenshot({ path: file });
    return file;
  }
}

/** The scenario of the `ui` window: steps of [title, fn(workbench, context)]. */
const UI_STEPS = [
  ['the Procfile view lists web and worker', async (wb) => {
    await wb.openProcfileView();
    await wb.tidy();
    await wb.row('web').waitFor({ timeout: STEP_TIMEOUT_MS });
    await wb.row('worker').waitFor({ timeout: STEP_TIMEOUT_MS });
    const web = await wb.rowText('web');
    if (!/0\/1 running · :5700/.test(web)) throw new Error(`web row says "${web}"`);
  }],
  ['clicking Start on web runs web.1', async (wb, ctx) => {
    await wb.clickInline('web', 'Start');
    const text = await wb.waitForRowText('web.1', /running/);
    if (!/:5700/.test(text)) throw new Error(`web.1 row says "${text}"`);
    const body = await until('web.1 answers HTTP on :5700', async () => (await fetch(`http://127.0.0.1:${ctx.basePort}/`)).text());
    if (!/^web\.1 \d+ on 5700/.test(body)) throw new Error(`web.1 answered "${body}"`);
  }],
  ['"Procfile: Scale…" asks for the type, then the count', async (wb) => {
    await wb.runFromPalette('Procfile: Scale…');
    const input = await wb.quickInput();
    await until('the type pick', async () => /Scale which process type/.test(await input.getAttribute('placeholder')));
    const worker = wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'worker' });
    await worker.waitFor({ timeout: STEP_TIMEOUT_MS });
    await wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'web' }).first().waitFor();
    await wb.screenshot('scale-pick');
    await input.fill('worker');
    await until('only worker left in the pick', async () => (await wb.page.locator('.quick-input-widget .monaco-list-row').count()) === 1);
    await wb.page.keyboard.press('Enter');
    await until('the count input', async () => /How many instances of worker/.test(await wb.page.locator('.quick-input-widget').innerText()));
    await input.fill('abc');
    await until('the validation message', async () => /whole number from 0 to 100/.test(await wb.page.locator('.quick-input-widget').innerText()));
    await input.fill('3');
    await until('the message gone', async () => !/whole number from 0 to 100/.test(await wb.page.locator('.quick-input-widget').innerText()));
    await wb.screenshot('scale-count');
    await wb.page.keyboard.press('Enter');
    await wb.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
  }],
  ['the tree shows worker.1, worker.2 and worker.3', async (wb) => {
    for (const name of ['worker.1', 'worker.2', 'worker.3']) await wb.row(name).waitFor({ timeout: STEP_TIMEOUT_MS });
    await wb.waitForRowText('worker', /\/3 running/);
    if (await wb.row('worker.4').count()) throw new Error('a fourth worker row');
    const port = await wb.rowText('worker.3');
    if (!/:5802/.test(port)) throw new Error(`worker.3 row says "${port}"`);
  }],
  ['Start on worker runs all three; web keeps running', async (wb) => {
    // Scaling a type that is not running adds stopped instances (ManagedFormation.scale): start the
    // type; should scaling ever start some of them, start the rest one by one.
    const counts = await wb.rowText('worker');
    if (/0\/3 running/.test(counts)) await wb.clickInline('worker', 'Start');
    else if (!/3\/3 running/.test(counts)) {
      for (const name of ['worker.1', 'worker.2', 'worker.3']) if (/stopped|exited|crashed/.test(await wb.rowText(name))) await wb.clickInline(name, 'Start');
    }
    for (const name of ['worker.1', 'worker.2', 'worker.3']) await wb.waitForRowText(name, /running · pid \d+/);
    await wb.waitForRowText('worker', /3\/3 running · :5800/);
    await wb.waitForRowText('web.1', /running/);
    await wb.screenshot('tree-running');
  }],
  ['clicking worker.3 shows its terminal with its heartbeat', async (wb) => {
    const pid = /pid (\d+)/.exec(await wb.rowText('worker.3'))[1];
    await wb.row('worker.3').click();
    await wb.page.locator('.part.panel .terminal-wrapper.active .xterm-rows').waitFor({ timeout: STEP_TIMEOUT_MS });
    const text = await until(`worker.3 (pid ${pid}) output in the terminal`, async () => {
      const t = await wb.terminalText();
      return t.includes(`worker ${pid} started`) && /worker heartbeat \d+/.test(t) && t;
    });
    const tab = wb.page.locator('.part.panel', { hasText: 'worker.3' });
    if ((await tab.count()) === 0) throw new Error(`the panel does not name worker.3; text: ${text.slice(0, 200)}`);
    await sleep(1_200); // one more heartbeat for the picture
    await wb.screenshot('terminal-worker');
  }],
  ['clicking Debug on web.1 restarts it under the debugger: the debug toolbar shows, web keeps answering', async (wb, ctx) => {
    const before = /pid (\d+)/.exec(await wb.rowText('web.1'))[1];
    await wb.clickInline('web.1', 'Debug');
    const toolbar = wb.page.locator('.debug-toolbar');
    await toolbar.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await wb.openProcfileView(); // starting a session may have opened Run and Debug
    const text = await wb.waitForRowText('web.1', /running · debugging · pid \d+/);
    if (text.includes(`pid ${before}`)) throw new Error(`web.1 was not restarted: "${text}"`);
    await wb.waitForRowText('worker', /3\/3 running/);
    const body = await until('web.1 answers HTTP while debugged', async () => (await fetch(`http://127.0.0.1:${ctx.basePort}/`)).text());
    if (!/^web\.1 \d+ on 5700/.test(body)) throw new Error(`web.1 answered "${body}"`);
    await until('js-debug attached (a second session in the toolbar or call stack)', async () => /web\.1/.test(await wb.page.locator('.debug-toolbar').innerText().catch(() => '')) || (await wb.page.locator('.debug-toolbar .action-label[aria-label^="Stop"], .debug-toolbar .action-label[aria-label^="Disconnect"]').count()) > 0);
    await sleep(800);
    await wb.screenshot('debug-web');
    await toolbar.locator('.action-label[aria-label^="Stop"], .action-label[aria-label^="Disconnect"]').first().click();
    await toolbar.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
    await wb.openProcfileView();
    await wb.waitForRowText('web.1', /^web\.1\s*running · pid \d+/);
  }],
  ['typing a broken line into the Procfile shows a squiggle and the Problems count; Ctrl+. Enter fixes it', async (wb) => {
    await wb.runFromPalette('Procfile: Open Procfile');
    const editor = wb.page.locator('.part.editor .monaco-editor').first();
    await editor.locator('.view-lines', { hasText: 'web: npm start' }).waitFor({ timeout: STEP_TIMEOUT_MS });
    // CodeLens above the entries follow the state (web runs, crash is scaled to 0).
    await until('CodeLens above the entries', async () => /Stop.*Restart.*Scale \(1\).*Debug/s.test(await editor.locator('.contentWidgets, .view-zones, .codelens-decoration').allInnerTexts().then((t) => t.join(' '))));
    await editor.locator('.view-lines').click();
    await wb.page.keyboard.press('Control+End');
    await wb.page.keyboard.type('\napi : node api.js', { delay: 20 });
    await until('a warning squiggle', async () => (await editor.locator('.squiggly-warning').count()) > 0);
    const problems = wb.page.locator('.part.statusbar [id="status.problems"]');
    await until('the Problems count in the status bar', async () => /1/.test(await problems.innerText()));
    await wb.runFromPalette('View: Focus Problems');
    await wb.page.locator('.part.panel .markers-panel', { hasText: 'space-before-colon' }).waitFor({ timeout: STEP_TIMEOUT_MS });
    await editor.locator('.view-lines').click();
    await wb.page.keyboard.press('Control+End');
    await sleep(500);
    await wb.screenshot('procfile-editor');
    await wb.page.keyboard.press('Control+.');
    const menu = wb.page.locator('.action-widget', { hasText: /colon/i });
    await menu.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    const offered = await menu.innerText();
    if (!/space before the colon/i.test(offered.split('\n')[0] + offered)) throw new Error(`quick fixes offered: ${offered}`);
    await wb.page.keyboard.press('Enter');
    // Monaco renders spaces as no-break spaces.
    await until('the fixed line', async () => (await editor.locator('.view-lines').innerText()).replace(/\u00a0/g, ' ').includes('api: node api.js'));
    await until('no squiggle left', async () => (await editor.locator('.squiggly-warning').count()) === 0);
    await wb.runFromPalette('File: Revert File');
    await wb.page.keyboard.press('Control+W');
  }],
  ['the env file in use is listed under the process types and opens on click', async (wb, ctx) => {
    writeFileSync(join(ctx.folder, '.env'), 'GREETING=hello\nnot an assignment\n');
    await wb.openProcfileView();
    const row = wb.row('.env');
    await row.waitFor({ timeout: STEP_TIMEOUT_MS });
    await wb.waitForRowText('.env', /env file · 1 variable · 1 error/);
    await row.click();
    await wb.page.locator('.part.editor .tab', { hasText: '.env' }).waitFor({ timeout: STEP_TIMEOUT_MS });
    await until('the error squiggle on the .env line', async () => (await wb.page.locator('.part.editor .monaco-editor .squiggly-error').count()) > 0);
    rmSync(join(ctx.folder, '.env'));
    await wb.page.keyboard.press('Control+W');
    await until('the .env row gone', async () => (await row.count()) === 0);
  }],
  ['"Procfile: Stop All" leaves none of the run\'s processes', async (wb, ctx) => {
    const before = instancePids(ctx.marker);
    if (before.length < 4) throw new Error(`expected at least 4 running instance processes, found ${before.length}`);
    await wb.runFromPalette('Procfile: Stop All');
    await until('every instance stopped', async () => instancePids(ctx.marker).length === 0, 15_000);
    for (const name of ['web.1', 'worker.1', 'worker.2', 'worker.3']) await wb.waitForRowText(name, /(stopped|exited)/);
  }],
];

/** The `vsix` window: the packaged extension, installed the way users install it. */
const VSIX_STEPS = [
  ['the installed .vsix activates: the Procfile view lists web', async (wb, ctx) => {
    const installed = readdirSync(join(ctx.tmp, 'ext')).filter((d) => d.startsWith(`${publisher}.${extensionName}-`));
    if (installed.length !== 1) throw new Error(`installed extensions: ${readdirSync(join(ctx.tmp, 'ext')).join(', ')}`);
    await wb.openProcfileView();
    await wb.row('web').waitFor({ timeout: STEP_TIMEOUT_MS });
    await wb.row('worker').waitFor({ timeout: STEP_TIMEOUT_MS });
  }],
  ['Start on web runs it from the bundle; Stop All stops it', async (wb, ctx) => {
    await wb.clickInline('web', 'Start');
    await wb.waitForRowText('web.1', /running/);
    const body = await until(`web.1 answers HTTP on :${ctx.basePort}`, async () => (await fetch(`http://127.0.0.1:${ctx.basePort}/`)).text());
    if (!new RegExp(`^web\\.1 \\d+ on ${ctx.basePort}`).test(body)) throw new Error(`web.1 answered "${body}"`);
    await wb.runFromPalette('Procfile: Stop All');
    await until('every instance stopped', async () => instancePids(ctx.marker).length === 0, 15_000);
    await wb.waitForRowText('web.1', /stopped|exited/);
  }],
];

const WINDOWS = [
  { name: 'ui', basePort: 5700, developmentPath: true, steps: UI_STEPS },
  { name: 'vsix', basePort: 6700, developmentPath: false, steps: VSIX_STEPS },
];

/** Builds the .vsix with `npm run package` and installs it into `<tmp>/ext`. */
async function installVsix(tools, tmp) {
  rmSync(vsixPath, { force: true });
  await runBounded('npm', ['run', '--silent', 'package'], { cwd: root, timeoutMs: 120_000 });
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VSCODE_') && key !== 'ELECTRON_RUN_AS_NODE'));
  const home = join(tmp, 'install-home');
  mkdirSync(home, { recursive: true });
  await runBounded(tools.node, [tools.entry, '--user-data-dir', join(tmp, 'data'), '--extensions-dir', join(tmp, 'ext'), '--install-extension', vsixPath], {
    cwd: tmp,
    env: { ...env, XDG_DATA_HOME: home, XDG_CONFIG_HOME: home, XDG_CACHE_HOME: home, XDG_STATE_HOME: home, TMPDIR: home, EXTENSIONS_GALLERY: '{}' },
    timeoutMs: 60_000,
  });
}

/** One window: server, browser, the steps; resolves with { passed, failed, skipped, problem, tmp }. */
async function runWindow(tools, win) {
  const tmp = mkdtempSync(join(tmpdir(), `formation-ui-${win.name}-`));
  const marker = `FORMATION_TEST_RUN=ui-${win.name}-${process.pid}-${Date.now()}`;
  const result = { passed: 0, failed: 0, skipped: 0, problem: null, tmp };
  let server;
  let browser;
  let serverLog;
  try {
    if (!win.developmentPath) await installVsix(tools, tmp);
    const folder = workspaceCopy(tmp, win.basePort);
    const started = await startServer(tools, tmp, { name: `ui-${win.name}`, folder, suite: '', trust: false }, marker);
    server = started.server;
    serverLog = started.log;
    const { chromium } = createRequire(join(tools.tools, 'package.json'))('playwright-core');
    browser = await within(STEP_TIMEOUT_MS * 2, 'Chromium launch', chromium.launchServer({ executablePath: tools.chromium, headless: true, args: CHROMIUM_ARGS }));
    const browserPid = browser.process().pid;
    const stopBrowser = () => killGroup(browserPid, 2_000);
    cleanups.add(stopBrowser);
    browser.process().on('exit', () => cleanups.delete(stopBrowser));
    const client = await within(STEP_TIMEOUT_MS, 'Chromium connect', chromium.connect(browser.wsEndpoint()));
    const page = await client.newPage({ viewport: VIEWPORT });
    const browserLog = createWriteStream(join(tmp, 'browser.log'));
    page.on('console', (message) => browserLog.write(`${message.type()}: ${message.text()}\n`));
    page.on('pageerror', (error) => browserLog.write(`pageerror: ${error.message}\n`));
    const hostLog = createWriteStream(join(tmp, 'host.log'));
    await page.exposeFunction('codeAutomationLog', (_type, args) => hostLog.write(`${format(...(Array.isArray(args) ? args : [args]))}\n`));
    await page.exposeFunction('codeAutomationExit', () => {});

    const remote = (path) => `vscode-remote://127.0.0.1:${started.port}${path}`;
    const payload = [...(win.developmentPath ? [['extensionDevelopmentPath', remote(root)]] : []), ['skipWelcome', 'true'], ['skipReleaseNotes', 'true']];
    const url = `http://127.0.0.1:${started.port}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    say(`--- ${win.name}: ${folder} (${win.developmentPath ? 'extensionDevelopmentPath' : `installed ${vsixPath.slice(root.length + 1)}`}, basePort ${win.basePort})`);
    await within(STEP_TIMEOUT_MS * 2, 'open the workbench', page.goto(url));
    await page.locator('.monaco-workbench').waitFor({ timeout: STEP_TIMEOUT_MS * 2 });

    const wb = new Workbench(page, join(tmp, 'screenshots'));
    const ctx = { tmp, marker, basePort: win.basePort, folder };
    const deadline = Date.now() + WINDOW_TIMEOUT_MS;
    for (const [title, fn] of win.steps) {
      if (result.failed > 0) { result.skipped += 1; say(`  - ${title} (skipped)`); continue; }
      const stepStarted = Date.now();
      try {
        await within(Math.max(1_000, Math.min(90_000, deadline - Date.now())), title, fn(wb, ctx));
        result.passed += 1;
        say(`  ✔ ${title} (${((Date.now() - stepStarted) / 1000).toFixed(1)} s)`);
      } catch (error) {
        result.failed += 1;
        say(`  ✘ ${title}: ${error.message.split('\n')[0]}`);
        await page.screenshot({ path: join(tmp, `failed-${win.name}.png`) }).catch(() => {});
        result.problem = `step failed: ${title}`;
      }
    }
    const activationError = /Activating extension .*procfile-formation.* failed.*/i.exec(started.log.text);
    if (activationError) result.problem ??= activationError[0];
  } catch (error) {
    result.problem = error.message;
  } finally {
    await within(10_000, 'Chromium close', browser?.close() ?? Promise.resolve()).catch(() => {});
    if (server) await killGroup(server.pid);
    if (serverLog) writeFileSync(join(tmp, 'server.full.log'), serverLog.text);
  }
  // Anything of this run still alive once the server's group is gone escaped; it is a failure and ours to stop.
  for (let i = 0; i < 30 && processesWith(marker).length > 0; i++) await sleep(100);
  const left = processesWith(marker);
  for (const pid of left) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  if (left.length > 0) result.problem ??= `${left.length} process(es) left behind (PIDs ${left.join(', ')}, killed)`;
  return result;
}

stopOnSignals();
runSelected(WINDOWS, 'FORMATION_UI_RUNS', runWindow, {
  keptWhat: 'logs and screenshots',
  after: () => saveScreenshots && say(`screenshots written to ${screenshotDir}`),
}).then(
  (code) => { process.exitCode = code; },
  (error) => {
    say(`error: ${error.message}`);
    say('0 passed, 1 failed');
    process.exitCode = 1;
  },
);
