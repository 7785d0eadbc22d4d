/**
 * The fixture's formation in a real extension host, through the commands (with argument objects, so
 * no prompt) and the API snapshot; processes checked in /proc. Every test ends with Stop All and the
 * proof that no fixture process is left (see useFormation).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { alive, answeringPid, fixtureProcesses, httpGet, httpGetEventually, instance, processGroupOf, sleep, terminalNamed, terminalNames, useFormation, waitFor, waitGone, waitRunning } from './helpers';

describe('Formation', function () {
  this.timeout(40_000);
  const context = useFormation();

  it('shows the fixture Procfile: web and worker stopped, one instance each, Foreman ports', async () => {
    const { api, base } = context;
    await vscode.commands.executeCommand('workbench.view.extension.procfile');
    await vscode.commands.executeCommand('procfile.processes.focus');
    const snapshot = api.getSnapshot();
    assert.deepEqual(
      snapshot.map((i) => [i.folder, i.name, i.type, i.index, i.state, i.pid, i.port, i.exitCode, i.signal, i.restarts, i.gaveUp]),
      [
        ['workspace', 'web.1', 'web', 1, 'stopped', null, base, null, null, 0, false],
        ['workspace', 'worker.1', 'worker', 1, 'stopped', null, base + 100, null, null, 0, false],
      ],
    );
    // The view rendered (getChildren/getTreeItem ran without throwing) and nothing started by itself.
    await sleep(300);
    assert.deepEqual(fixtureProcesses(), []);
  });

  it('Start All runs every instance with its PID and PORT; web.1 answers HTTP on its PORT', async () => {
    const { api, base } = context;
    await vscode.commands.executeCommand('procfile.startAll');
    const [web, worker] = await waitRunning(api, ['web.1', 'worker.1']);
    assert.equal(web.port, base);
    assert.equal(worker.port, base + 100);
    assert.notEqual(web.pid, worker.pid);
    // web runs `npm start` (sh → npm → sh → node): the answering process is in web.1's process group.
    assert.equal(processGroupOf(answeringPid(await httpGetEventually(base), 'web.1', base)), web.pid);
    // The PIDs are the real processes, each the leader of its own group, run in the fixture folder
    // with PORT and PS set.
    const processes = fixtureProcesses();
    for (const entry of [web, worker]) {
      assert.ok(alive(entry.pid!), `${entry.name} pid ${entry.pid} is not alive`);
      const stat = readFileSync(`/proc/${entry.pid}/stat`, 'latin1');
      assert.equal(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]), entry.pid, `${entry.name} leads its process group`);
      const environ = readFileSync(`/proc/${entry.pid}/environ`, 'latin1').split('\0');
      assert.ok(environ.includes(`PORT=${entry.port}`), `${entry.name} has PORT=${entry.port}`);
      assert.ok(environ.includes(`PS=${entry.name}`), `${entry.name} has PS=${entry.name}`);
      assert.ok(processes.some((p) => p.pid === entry.pid));
    }
    assert.deepEqual([...new Set(processes.map((p) => p.ps))].sort(), ['web.1', 'worker.1']);
  });

  it('sends output to a terminal per instance and to the type’s output channel', async () => {
    const { api } = context;
    await vscode.commands.executeCommand('procfile.startAll');
    await waitRunning(api, ['web.1', 'worker.1']);
    const deadline = Date.now() + 5000;
    while (!(terminalNames().includes('web.1') && terminalNames().includes('worker.1')) && Date.now() < deadline) await sleep(50);
    assert.ok(terminalNames().includes('web.1'), `no web.1 terminal; terminals: ${terminalNames().join(', ')}`);
    assert.ok(terminalNames().includes('worker.1'), `no worker.1 terminal; terminals: ${terminalNames().join(', ')}`);
    // The commands with an argument show them without a prompt.
    await vscode.commands.executeCommand('procfile.showTerminal', { process: 'web.1' });
    await vscode.commands.executeCommand('procfile.showOutput', { process: 'web' });
    await vscode.commands.executeCommand('procfile.showOutput', { process: 'worker' });
    // Output channels are backed by files in the window's log folder (code-server: <tmp>/data/logs):
    // where the runner's layout is known, read the lines back.
    const logs = process.env.TMPDIR ? join(dirname(process.env.TMPDIR), 'data', 'logs') : undefined;
    if (logs && safeList(logs).length > 0) {
      const text = await waitForLogText(logs, /worker\.1 \| worker heartbeat \d+/, 8000);
      assert.match(text, /web\.1 \| web listening on 127\.0\.0\.1:\d+/);
      assert.doesNotMatch(text, /\u001b\[/, 'ANSI escapes are stripped from output channels');
    }
  });

  it('starts, restarts and stops a single instance ({ process: "web.1" })', async () => {
    const { api, base } = context;
    await vscode.commands.executeCommand('procfile.start', { process: 'web.1' });
    const [first] = await waitRunning(api, ['web.1']);
    assert.equal(processGroupOf(answeringPid(await httpGetEventually(base), 'web.1', base)), first.pid);
    assert.equal(instance(api, 'worker.1')?.state, 'stopped', 'starting web.1 leaves worker.1 alone');

    await vscode.commands.executeCommand('procfile.restart', { process: 'web.1' });
    const [second] = await waitFor(api, 'web.1 running with a new PID', (s) => s.some((i) => i.name === 'web.1' && i.state === 'running' && i.pid !== null && i.pid !== first.pid)).then((s) => s.filter((i) => i.name === 'web.1'));
    await waitGone([first.pid!]);
    assert.equal(processGroupOf(answeringPid(await httpGetEventually(base), 'web.1', base)), second.pid);
    assert.equal(second.restarts, 0, 'a restart the user asks for is not an automatic restart');

    await vscode.commands.executeCommand('procfile.stop', { process: 'web.1' });
    const stopped = await waitFor(api, 'web.1 stopped', (s) => s.some((i) => i.name === 'web.1' && i.state === 'stopped'));
    assert.equal(stopped.find((i) => i.name === 'web.1')!.pid, null);
    await waitGone([second.pid!]);
    await assert.rejects(httpGet(base, 1000), 'nothing answers on web.1’s port once it stopped');

    // A type target: every instance of the type.
    await vscode.commands.executeCommand('procfile.start', { process: 'worker' });
    const [worker] = await waitRunning(api, ['worker.1']);
    await vscode.commands.executeCommand('procfile.stop', { process: 'worker' });
    await waitFor(api, 'worker.1 stopped', (s) => s.some((i) => i.name === 'worker.1' && i.state === 'stopped'));
    await waitGone([worker.pid!]);
  });

  it('scales worker 1 → 3 → 0 live with { process: "worker", count }, then back to 1', async () => {
    const { api, base } = context;
    await vscode.commands.executeCommand('procfile.startAll');
    await waitRunning(api, ['web.1', 'worker.1']);
    try {
      await vscode.commands.executeCommand('procfile.scale', { process: 'worker', count: 3 });
      const workers = await waitRunning(api, ['worker.1', 'worker.2', 'worker.3']);
      assert.deepEqual(workers.map((w) => w.port), [base + 100, base + 101, base + 102], 'each worker has its own PORT');
      assert.equal(new Set(workers.map((w) => w.pid)).size, 3);
      for (const w of workers) assert.ok(readFileSync(`/proc/${w.pid}/environ`, 'latin1').split('\0').includes(`PORT=${w.port}`));
      assert.deepEqual(api.getSnapshot().filter((i) => i.type === 'worker').map((i) => i.name), ['worker.1', 'worker.2', 'worker.3']);
      const deadline = Date.now() + 5000;
      while (!terminalNames().includes('worker.3') && Date.now() < deadline) await sleep(50);
      assert.ok(terminalNames().includes('worker.3'), 'worker.3 got its terminal');

      await vscode.commands.executeCommand('procfile.scale', { process: 'worker', count: 0 });
      await waitFor(api, 'no worker instance', (s) => !s.some((i) => i.type === 'worker'));
      await waitGone(workers.map((w) => w.pid!));
      assert.deepEqual(fixtureProcesses().map((p) => p.ps), ['web.1'], 'only web.1 is left running');
      assert.equal(instance(api, 'web.1')?.state, 'running', 'scaling worker does not touch web');
      for (let i = 0; i < 40 && terminalNames().some((n) => n.startsWith('worker.')); i++) await sleep(50);
      assert.deepEqual(terminalNames().filter((n) => n.startsWith('worker.')), [], 'terminals of removed instances are disposed');
    } finally {
      await vscode.commands.executeCommand('procfile.scale', { process: 'worker', count: 1 });
    }
    // Back to 1 while the formation runs: worker.1 starts again.
    await waitRunning(api, ['worker.1']);
    assert.deepEqual(api.getSnapshot().map((i) => i.name), ['web.1', 'worker.1']);
  });

  it('Ctrl+C in an instance’s terminal stops it with SIGINT (stopped, not a crash restart)', async () => {
    const { api } = context;
    await vscode.commands.executeCommand('procfile.start', { process: 'worker.1' });
    const [worker] = await waitRunning(api, ['worker.1']);
    const terminal = await terminalNamed('worker.1');
    terminal.sendText('\u0003', false);
    const after = await waitFor(api, 'worker.1 stopped by Ctrl+C', (s) => s.some((i) => i.name === 'worker.1' && i.state !== 'running'));
    await waitGone([worker.pid!]);
    await sleep(300);
    const now = instance(api, 'worker.1')!;
    assert.equal(now.state, 'stopped', `state after Ctrl+C: ${after.find((i) => i.name === 'worker.1')?.state} then ${now.state}`);
    assert.equal(now.signal, 'SIGINT');
    assert.equal(now.restarts, 0);
    assert.ok(terminalNames().includes('worker.1'), 'the terminal stays open after the process ended');
  });

  it('closing an instance’s terminal stops that instance only', async () => {
    const { api } = context;
    await vscode.commands.executeCommand('procfile.startAll');
    const [web, worker] = await waitRunning(api, ['web.1', 'worker.1']);
    (await terminalNamed('web.1')).dispose();
    await waitFor(api, 'web.1 stopped after its terminal closed', (s) => s.some((i) => i.name === 'web.1' && i.state === 'stopped'));
    await waitGone([web.pid!]);
    assert.equal(instance(api, 'worker.1')?.state, 'running');
    assert.equal(instance(api, 'worker.1')?.pid, worker.pid);
    // Starting it again opens a new terminal.
    await vscode.commands.executeCommand('procfile.start', { process: 'web.1' });
    await waitRunning(api, ['web.1']);
    await terminalNamed('web.1');
  });

  it('Restart All gives every instance a new process', async () => {
    const { api } = context;
    await vscode.commands.executeCommand('procfile.startAll');
    const before = await waitRunning(api, ['web.1', 'worker.1']);
    await vscode.commands.executeCommand('procfile.restartAll');
    const after = await waitFor(api, 'new PIDs for web.1 and worker.1', (s) =>
      before.every((b) => s.some((i) => i.name === b.name && i.state === 'running' && i.pid !== null && i.pid !== b.pid)),
    );
    await waitGone(before.map((b) => b.pid!));
    // Every process left belongs to one of the new groups (web.1 is npm → sh → node, all in its group).
    assert.deepEqual([...new Set(fixtureProcesses().map((p) => processGroupOf(p.pid)))].sort(), after.map((i) => i.pid).sort());
  });

  it('Stop All leaves zero processes, with several instances of each type running', async () => {
    const { api, base } = context;
    await vscode.commands.executeCommand('procfile.scale', { process: 'web', count: 2 });
    await vscode.commands.executeCommand('procfile.scale', { process: 'worker', count: 3 });
    try {
      await vscode.commands.executeCommand('procfile.startAll');
      const running = await waitRunning(api, ['web.1', 'web.2', 'worker.1', 'worker.2', 'worker.3']);
      assert.match(await httpGetEventually(base + 1), /^web\.2 \d+ on \d+\n$/, 'web.2 answers on base+1');
      assert.deepEqual([...new Set(fixtureProcesses().map((p) => processGroupOf(p.pid)))].sort(), running.map((r) => r.pid).sort());
      await vscode.commands.executeCommand('procfile.stopAll');
      // The command resolves once everything is down.
      assert.deepEqual(fixtureProcesses(), []);
      assert.ok(running.every((r) => !alive(r.pid!)));
      assert.ok(api.getSnapshot().every((i) => i.state === 'stopped' && i.pid === null));
    } finally {
      await vscode.commands.executeCommand('procfile.scale', { process: 'web', count: 1 });
      await vscode.commands.executeCommand('procfile.scale', { process: 'worker', count: 1 });
    }
    assert.deepEqual(api.getSnapshot().map((i) => i.name), ['web.1', 'worker.1']);
  });

  it('refuses an invalid scale argument without prompting or changing anything', async () => {
    const { api } = context;
    await vscode.commands.executeCommand('procfile.scale', { process: 'worker', count: 101 });
    await vscode.commands.executeCommand('procfile.scale', { process: 'nosuchtype', count: 2 });
    await sleep(200);
    assert.deepEqual(api.getSnapshot().map((i) => i.name), ['web.1', 'worker.1']);
  });
});

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Text of every log file under `dir` (recursively) whose name mentions "Procfile". */
function procfileLogText(dir: string): string {
  let text = '';
  for (const entry of safeList(dir)) {
    const path = join(dir, entry);
    if (!entry.endsWith('.log')) text += procfileLogText(path);
    else if (entry.includes('Procfile')) text += readFileSync(path, 'utf8');
  }
  return text;
}

async function waitForLogText(dir: string, pattern: RegExp, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = procfileLogText(dir);
    if (pattern.test(text) || Date.now() > deadline) return text;
    await sleep(200);
  }
}
