/**
 * Debugging one instance in the real extension host with the built-in JavaScript debugger: web
 * (`npm start` → sh → node web.js) scaled to 2; web.1 restarts under the debugger and stops on a
 * breakpoint in its request handler while web.2 keeps answering; ending the session returns web.1 to
 * a normal run; stopping ends the session. Plus a recipe (a stand-in debugger port, its extension
 * missing) and a type that cannot be debugged.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { isListening } from '../../src/core/debug';
import { answeringPid, fixture, fixtureProcesses, httpGet, httpGetEventually, instance, processGroupOf, sleep, terminalNamed, useFormation, waitFor, waitRunning, withUserSetting } from './helpers';

const webJs = vscode.Uri.file(join(fixture, 'web.js'));
/** 0-based line of the breakpoint: the handler's `response.end` line. */
const handlerLine = readFileSync(webJs.fsPath, 'utf8').split('\n').findIndex((line) => line.includes('breakpoint: request handler'));

/** What the debug adapters said, recorded by a tracker on every session. */
interface Recorded {
  session: vscode.DebugSession;
  message: { type: string; event?: string; command?: string; body?: { breakpoints?: { verified: boolean }[]; threadId?: number; output?: string }; success?: boolean };
}

const recorded: Recorded[] = [];
const sessions: vscode.DebugSession[] = [];
const ended = new Set<vscode.DebugSession>();

async function until<T>(what: string, check: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}; sessions: ${sessions.map((s) => `${s.type}/${s.name}${ended.has(s) ? ' (ended)' : ''}`).join(', ')}`);
    await sleep(25);
  }
}

/** The root `procfile` session of a session, if any. */
function procfileRoot(session: vscode.DebugSession | undefined): vscode.DebugSession | undefined {
  for (let s = session; s; s = s.parentSession) if (s.type === 'procfile') return s;
  return undefined;
}

/** Live `procfile` sessions. */
const liveProcfileSessions = () => sessions.filter((s) => s.type === 'procfile' && !ended.has(s));

/** The environment of a live process, as NAME=value entries. */
const environOf = (pid: number) => readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');

describe('Debugging one instance', function () {
  this.timeout(90_000);
  const context = useFormation();
  const disposables: vscode.Disposable[] = [];

  before(() => {
    assert.ok(handlerLine > 0, 'web.js has the breakpoint line');
    disposables.push(
      vscode.debug.registerDebugAdapterTrackerFactory('*', {
        createDebugAdapterTracker: (session) => ({ onDidSendMessage: (message) => void recorded.push({ session, message }) }),
      }),
      vscode.debug.onDidStartDebugSession((session) => void sessions.push(session)),
      vscode.debug.onDidTerminateDebugSession((session) => void ended.add(session)),
    );
  });

  afterEach(async function () {
    this.timeout(20_000);
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    for (const session of liveProcfileSessions()) await vscode.debug.stopDebugging(session);
    await until('every debug session to end', () => sessions.every((s) => ended.has(s)));
  });

  after(async () => {
    for (const disposable of disposables) disposable.dispose();
    await vscode.commands.executeCommand('procfile.scale', { process: 'web', count: 1 });
  });

  it('stops on a breakpoint in web.1 (npm start → node) while web.2 answers; ending the session returns web.1 to a normal run', async () => {
    const { api, base } = context;
    await vscode.commands.executeCommand('procfile.scale', { process: 'web', count: 2 });
    await vscode.commands.executeCommand('procfile.startAll');
    const [web1, web2, worker] = await waitRunning(api, ['web.1', 'web.2', 'worker.1'], 15_000);
    await httpGetEventually(base);
    await httpGetEventually(base + 1);
    vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(webJs, new vscode.Position(handlerLine, 0)))]);
    const firstRecorded = recorded.length;

    assert.equal(await vscode.commands.executeCommand('procfile.debug', { process: 'web.1' }), true, 'procfile.debug starts a session');
    const [debugged] = await waitRunning(api, ['web.1'], 15_000);
    assert.notEqual(debugged.pid, web1.pid, 'web.1 was restarted under the debugger');
    assert.equal(debugged.port, base, 'web.1 keeps its PORT');
    assert.equal(instance(api, 'web.1')?.debugging, true);
    assert.equal(instance(api, 'web.2')?.debugging, false);

    // js-debug attached to node web.js (not to npm): its breakpoint is bound in a session under ours.
    await until('a verified breakpoint in web.js', () =>
      recorded.slice(firstRecorded).some(({ session, message }) => procfileRoot(session) && message.command === 'setBreakpoints' && message.body?.breakpoints?.some((b) => b.verified)),
    );
    const inspectorFlag = fixtureProcesses().filter((p) => p.ps === 'web.1').map((p) => environOf(p.pid).find((e) => e.startsWith('NODE_OPTIONS=')));
    assert.ok(inspectorFlag.length >= 2 && inspectorFlag.every((value) => value?.endsWith('--inspect=127.0.0.1:0')), `every Node process of web.1 got the loopback inspector flag: ${inspectorFlag.join(', ')}`);

    // A request to web.1 stops in the handler; web.2 answers meanwhile.
    const stopsBefore = recorded.length;
    const paused = httpGet(base, 30_000);
    const stopped = await until('a stop on the breakpoint', () => recorded.slice(stopsBefore).find(({ message }) => message.type === 'event' && message.event === 'stopped'));
    assert.ok(procfileRoot(stopped.session), `the stop belongs to the web.1 session (${stopped.session.name})`);
    const threadId = stopped.message.body?.threadId ?? 0;
    const trace = await stopped.session.customRequest('stackTrace', { threadId, levels: 1 });
    const [frame] = trace.stackFrames as { line: number; source?: { path?: string } }[];
    assert.equal(frame.line, handlerLine + 1, 'stopped on the handler line');
    assert.match(frame.source?.path ?? '', /web\.js$/);
    const other = answeringPid(await httpGet(base + 1, 5000), 'web.2', base + 1);
    assert.equal(processGroupOf(other), web2.pid, 'web.2 answers while web.1 is paused');

    await stopped.session.customRequest('continue', { threadId });
    const answer = answeringPid(await paused, 'web.1', base);
    assert.equal(processGroupOf(answer), debugged.pid, 'web.1 answers after continuing');
    assert.equal(instance(api, 'web.2')?.pid, web2.pid, 'web.2 was never restarted');
    assert.equal(instance(api, 'worker.1')?.pid, worker.pid, 'worker.1 was never restarted');

    // Ending the session restarts web.1 without the debugger.
    const root = procfileRoot(stopped.session)!;
    await vscode.debug.stopDebugging(root);
    const [normal] = await waitFor(api, 'web.1 running again, not debugging', (s) => s.some((i) => i.name === 'web.1' && i.state === 'running' && !i.debugging && i.pid !== debugged.pid)).then((s) => s.filter((i) => i.name === 'web.1'));
    assert.equal(processGroupOf(answeringPid(await httpGetEventually(base), 'web.1', base)), normal.pid);
    for (const process of fixtureProcesses().filter((p) => p.ps === 'web.1')) {
      assert.ok(!environOf(process.pid).some((e) => e.startsWith('NODE_OPTIONS=') && e.includes('--inspect')), `${process.cmdline} runs without the inspector`);
    }
    assert.equal(instance(api, 'web.2')?.pid, web2.pid, 'web.2 still undisturbed');
  });

  it('attaches again when the debugged app restarts (killed node web.js: the supervisor restarts web.1 under the debugger)', async () => {
    const { api, base } = context;
    await vscode.commands.executeCommand('procfile.start', { process: 'web.1' });
    await waitRunning(api, ['web.1'], 15_000);
    vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(webJs, new vscode.Position(handlerLine, 0)))]);
    const firstRecorded = recorded.length;
    assert.equal(await vscode.commands.executeCommand('procfile.debug', { process: 'web.1' }), true);
    const verifiedSessions = (from: number) => new Set(recorded.slice(from).filter(({ session, message }) => procfileRoot(session) && message.command === 'setBreakpoints' && message.body?.breakpoints?.some((b) => b.verified)).map(({ session }) => session));
    const [firstChild] = await until('a verified breakpoint', () => verifiedSessions(firstRecorded).size > 0 && [...verifiedSessions(firstRecorded)]);
    const [debugged] = await waitRunning(api, ['web.1']);
    // The app (node web.js, a grandchild of npm) — found in /proc: a request would stop on the breakpoint.
    const app = await until('node web.js of web.1', () => fixtureProcesses().find((p) => p.ps === 'web.1' && /node web\.js$/.test(p.cmdline))?.pid);
    process.kill(app, 'SIGKILL'); // npm start exits non-zero: a crash the supervisor answers
    await waitFor(api, 'web.1 restarted', (s) => s.some((i) => i.name === 'web.1' && i.state === 'running' && i.pid !== debugged.pid && i.restarts === 1), 20_000);
    assert.equal(instance(api, 'web.1')?.debugging, true, 'still debugging after the automatic restart');
    const afterRestart = recorded.length;
    await until('a verified breakpoint in the restarted app', () => [...verifiedSessions(afterRestart)].some((s) => s !== firstChild));
    const paused = httpGet(base, 30_000);
    const stopped = await until('a stop on the breakpoint', () => recorded.slice(afterRestart).find(({ message }) => message.type === 'event' && message.event === 'stopped'));
    await stopped.session.customRequest('continue', { threadId: stopped.message.body?.threadId ?? 0 });
    assert.notEqual(answeringPid(await paused, 'web.1', base), app);
  });

  it('Stop All ends the debug session and nothing restarts', async () => {
    const { api } = context;
    await vscode.commands.executeCommand('procfile.startAll');
    await waitRunning(api, ['web.1', 'worker.1'], 15_000);
    const firstSession = sessions.length;
    assert.equal(await vscode.commands.executeCommand('procfile.debug', { process: 'web' }), true, 'Debug on a type debugs its instance 1');
    await waitFor(api, 'web.1 debugging', (s) => s.some((i) => i.name === 'web.1' && i.state === 'running' && i.debugging), 15_000);
    await until('js-debug attached', () => sessions.slice(firstSession).some((s) => s.type !== 'procfile'));
    await vscode.commands.executeCommand('procfile.stopAll');
    await until('the debug sessions to end', () => sessions.slice(firstSession).every((s) => ended.has(s)));
    await sleep(1500);
    const web = instance(api, 'web.1');
    assert.equal(web?.state, 'stopped', 'no restart after the session ended');
    assert.equal(web?.debugging, false);
  });

  it('a launch.json configuration ({ type: "procfile", process: "worker" }) debugs worker.1; F5 without one asks which process', async () => {
    const { api } = context;
    const folder = vscode.workspace.workspaceFolders![0];
    await vscode.commands.executeCommand('procfile.startAll');
    const [web] = await waitRunning(api, ['web.1', 'worker.1'], 15_000);
    assert.equal(await vscode.debug.startDebugging(folder, { type: 'procfile', request: 'launch', name: 'Debug worker', process: 'worker' }), true);
    await waitFor(api, 'worker.1 debugging', (s) => s.some((i) => i.name === 'worker.1' && i.state === 'running' && i.debugging), 15_000);
    assert.equal(instance(api, 'web.1')?.pid, web.pid, 'web.1 untouched');
    assert.equal(liveProcfileSessions().length, 1);
    await vscode.debug.stopDebugging(liveProcfileSessions()[0]);
    await waitFor(api, 'worker.1 back to a normal run', (s) => s.some((i) => i.name === 'worker.1' && i.state === 'running' && !i.debugging), 15_000);

    // An unknown process in launch.json: refused before anything restarts.
    assert.equal(await vscode.debug.startDebugging(folder, { type: 'procfile', request: 'launch', name: 'Debug nope', process: 'nope' }), false);
    // F5 with no launch.json hands the provider an empty configuration: it asks; the first item is `web`.
    const f5 = vscode.debug.startDebugging(folder, { type: 'procfile', request: 'launch', name: 'F5' });
    await sleep(800);
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    assert.equal(await f5, true);
    await waitFor(api, 'web.1 debugging after F5', (s) => s.some((i) => i.name === 'web.1' && i.state === 'running' && i.debugging), 15_000);
  });

  it('a debugged process that exits by itself ends its session; a type at 0 starts only under the debugger', async () => {
    const { api } = context;
    const firstSession = sessions.length;
    try {
      assert.equal(await vscode.commands.executeCommand('procfile.debug', { process: 'echo' }), true, 'echo is scaled to 0: debugging it runs echo.1');
      await waitFor(api, 'echo.1 debugging', (s) => s.some((i) => i.name === 'echo.1' && i.state === 'running' && i.debugging), 15_000);
      assert.equal(instance(api, 'echo.1')?.restarts, 0);
      // It ran once, under the debugger: never a normal start first (one PID only, its NODE_OPTIONS has the flag).
      const echo = fixtureProcesses().filter((p) => p.ps === 'echo.1');
      assert.ok(echo.length === 1 && environOf(echo[0].pid).some((e) => e.startsWith('NODE_OPTIONS=') && e.includes('--inspect=127.0.0.1:0')), JSON.stringify(echo));
      await until('js-debug attached', () => sessions.slice(firstSession).some((s) => s.type !== 'procfile'));
      (await terminalNamed('echo.1')).sendText('hi there\r', false);
      await waitFor(api, 'echo.1 exited, not debugging', (s) => s.some((i) => i.name === 'echo.1' && i.state === 'exited' && !i.debugging), 15_000);
      await until('its debug sessions to end', () => sessions.slice(firstSession).every((s) => ended.has(s)));
      await sleep(500);
      assert.equal(instance(api, 'echo.1')?.state, 'exited', 'not restarted after the session ended');
    } finally {
      await vscode.commands.executeCommand('procfile.scale', { process: 'echo', count: 0 });
    }
  });

  it('refuses an instance above its type’s count (it never scales a type up)', async () => {
    const { api } = context;
    const folder = vscode.workspace.workspaceFolders![0];
    await vscode.commands.executeCommand('procfile.scale', { process: 'web', count: 1 });
    assert.equal(await vscode.debug.startDebugging(folder, { type: 'procfile', request: 'launch', name: 'Debug web.3', process: 'web.3' }), false);
    assert.equal(instance(api, 'web.3'), undefined);
    assert.equal(instance(api, 'web.2'), undefined, 'web stays at 1');
  });

  it('refuses a process type that is not Node.js and has no recipe, without touching it', async () => {
    const { api } = context;
    const before = sessions.length;
    assert.equal(await vscode.commands.executeCommand('procfile.debug', { process: 'crash' }), false);
    await sleep(300);
    assert.equal(sessions.length, before, 'no debug session started');
    assert.equal(instance(api, 'crash.1'), undefined, 'crash stays scaled to 0');
  });

  it('a recipe restarts the instance listening for its debugger and names the missing debugger extension', async () => {
    const { api } = context;
    const restore = await withUserSetting('debugRecipes', {
      debuggee: {
        env: { FAKE_DEBUG_PORT: '${port}' },
        attach: { type: 'rdbg', request: 'attach', debugPort: '127.0.0.1:${port}' },
        extension: 'KoichiSasada.vscode-rdbg',
        extensionName: 'VSCode rdbg Ruby Debugger',
      },
    });
    try {
      await sleep(300); // the settings reload
      const firstRecorded = recorded.length;
      assert.equal(await vscode.commands.executeCommand('procfile.debug', { process: 'debuggee' }), true);
      const [debuggee] = await waitRunning(api, ['debuggee.1'], 15_000);
      assert.equal(debuggee.debugging, true);
      const message = await until('the message about the missing extension', () =>
        recorded.slice(firstRecorded).find(({ session, message }) => session.type === 'procfile' && message.event === 'output' && /KoichiSasada\.vscode-rdbg/.test(message.body?.output ?? '')),
      );
      const output = message.message.body?.output ?? '';
      const port = Number(/127\.0\.0\.1:(\d+)/.exec(output)?.[1]);
      assert.ok(await isListening(port), `debuggee.1 listens for its debugger on 127.0.0.1:${port}`);
      assert.match(output, /debuggee\.1 is listening for a debugger on 127\.0\.0\.1:\d+, but the "VSCode rdbg Ruby Debugger" extension \(KoichiSasada\.vscode-rdbg\) is not installed/);
      const withPort = fixtureProcesses().filter((p) => p.ps === 'debuggee.1').some((p) => environOf(p.pid).includes(`FAKE_DEBUG_PORT=${port}`));
      assert.ok(withPort, 'the recipe’s variable reached the instance');

      await vscode.debug.stopDebugging(liveProcfileSessions()[0]);
      await waitFor(api, 'debuggee.1 back to a normal run', (s) => s.some((i) => i.name === 'debuggee.1' && i.state === 'running' && !i.debugging && i.pid !== debuggee.pid), 15_000);
      await until('the debugger port to close', () => fixtureProcesses().every((p) => p.ps !== 'debuggee.1' || !environOf(p.pid).some((e) => e.startsWith('FAKE_DEBUG_PORT='))));
    } finally {
      await vscode.commands.executeCommand('procfile.scale', { process: 'debuggee', count: 0 });
      await restore();
    }
  });
});
