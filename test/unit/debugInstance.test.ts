import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { nodeInspectorLaunch } from '../../src/core/debug';
import type { InstanceState } from '../../src/core/instance';
import { type FormationConfig, ManagedFormation } from '../../src/core/managedFormation';
import { parseProcfile } from '../../src/core/procfile';
import { findMarked } from './support/cli';
import { sleep, until } from './support/wait';

const procfile = 'web: echo "web $PS $PORT NODE_OPTIONS=$NODE_OPTIONS"; sleep 30\nworker: echo "worker $PS $PORT NODE_OPTIONS=$NODE_OPTIONS"; sleep 30\n';

function config(text = procfile, overrides: Partial<FormationConfig> = {}): FormationConfig {
  return {
    root: process.cwd(),
    types: parseProcfile(text).types,
    env: { PATH: process.env.PATH ?? '', FORMATION_TEST_MARKER: marker },
    basePort: 5000,
    counts: new Map([['web', 2]]),
    ...overrides,
  };
}

let marker = randomUUID();

/** A formation that records each instance's output lines, state changes and exits. */
function watched(formation: ManagedFormation) {
  const output: Record<string, string[]> = {};
  const states: Record<string, InstanceState[]> = {};
  const exits: string[] = [];
  formation.on('output', (name, _type, lines) => (output[name] ??= []).push(...lines));
  formation.on('change', () => {
    for (const s of formation.snapshot()) {
      const seen = (states[s.name] ??= []);
      if (seen.at(-1) !== s.state) seen.push(s.state);
    }
  });
  formation.on('exit', (snapshot) => exits.push(snapshot.name));
  const get = (name: string) => {
    const found = formation.snapshot().find((s) => s.name === name);
    assert.ok(found, `${name} exists`);
    return found;
  };
  return { output, states, exits, get };
}

describe('debugging one instance', function () {
  this.timeout(20_000);
  let formation: ManagedFormation | undefined;
  beforeEach(() => (marker = randomUUID()));
  afterEach(async () => {
    await formation?.stopAll();
    formation = undefined;
    const left = findMarked(marker);
    for (const { pid } of left) process.kill(pid, 'SIGKILL');
    assert.deepEqual(left, [], 'no process is left after stopAll');
  });

  it('restarts only that instance with the debug launch, keeping its PORT and PS; endDebug returns it to a normal run', async () => {
    formation = new ManagedFormation(config());
    const { output, states, exits, get } = watched(formation);
    formation.startAll();
    await until(() => formation!.snapshot().every((s) => s.state === 'running'));
    await until(() => output['web.1']?.length === 1 && output['web.2']?.length === 1 && output['worker.1']?.length === 1);
    assert.deepEqual(output['web.1'], ['web web.1 5000 NODE_OPTIONS=']);
    const before = Object.fromEntries(formation.snapshot().map((s) => [s.name, s.pid]));
    for (const name of Object.keys(states)) states[name] = [get(name).state];

    assert.equal(await formation.debug('web.1', nodeInspectorLaunch), true);
    await until(() => get('web.1').state === 'running' && output['web.1'].length === 2);
    assert.equal(output['web.1'][1], 'web web.1 5000 NODE_OPTIONS=--inspect=127.0.0.1:0');
    assert.notEqual(get('web.1').pid, before['web.1'], 'web.1 runs a new process');
    assert.equal(get('web.1').port, 5000);
    assert.equal(get('web.2').pid, before['web.2']);
    assert.equal(get('worker.1').pid, before['worker.1']);
    assert.deepEqual(
      formation.snapshot().map((s) => `${s.name}:${s.state}:${s.debugging}`),
      ['web.1:running:true', 'web.2:running:false', 'worker.1:running:false'],
    );
    assert.deepEqual(states['web.2'], ['running'], 'web.2 was never stopped');
    assert.deepEqual(states['worker.1'], ['running'], 'worker.1 was never stopped');
    assert.deepEqual(exits, ['web.1']);
    assert.deepEqual(output['web.2'], ['web web.2 5001 NODE_OPTIONS=']);
    const debugged = get('web.1').pid;

    assert.equal(await formation.endDebug('web.1'), true);
    await until(() => get('web.1').state === 'running' && output['web.1'].length === 3);
    assert.equal(output['web.1'][2], 'web web.1 5000 NODE_OPTIONS=');
    assert.notEqual(get('web.1').pid, debugged);
    assert.equal(get('web.1').debugging, false);
    assert.equal(get('web.2').pid, before['web.2']);
    assert.equal(get('worker.1').pid, before['worker.1']);
    assert.deepEqual(exits, ['web.1', 'web.1']);
    assert.deepEqual(states['web.2'], ['running']);
    assert.deepEqual(states['worker.1'], ['running']);
  });

  it("appends the inspector to the formation's own NODE_OPTIONS", async () => {
    const env = { PATH: process.env.PATH ?? '', FORMATION_TEST_MARKER: marker, NODE_OPTIONS: '--max-old-space-size=512' };
    formation = new ManagedFormation(config(procfile, { env }));
    const { output, get } = watched(formation);
    await formation.debug('web.2', nodeInspectorLaunch);
    await until(() => output['web.2']?.length === 1);
    assert.deepEqual(output['web.2'], ['web web.2 5001 NODE_OPTIONS=--max-old-space-size=512 --inspect=127.0.0.1:0']);
    assert.equal(get('web.2').debugging, true);
  });

  it('a stop while debugging ends debugging and the instance stays stopped', async () => {
    formation = new ManagedFormation(config());
    const { output, get } = watched(formation);
    formation.startAll();
    await until(() => formation!.snapshot().every((s) => s.state === 'running'));
    await formation.debug('web.1', nodeInspectorLaunch);
    await until(() => get('web.1').state === 'running' && get('web.1').debugging);
    const debugged = get('web.1').pid;
    assert.equal(await formation.stop('web.1'), true);
    assert.equal(get('web.1').state, 'stopped');
    assert.equal(get('web.1').debugging, false);
    const lines = output['web.1']?.length;
    await sleep(1300); // longer than the first restart backoff (1 s)
    assert.equal(get('web.1').state, 'stopped');
    assert.equal(get('web.1').debugging, false);
    assert.equal(output['web.1']?.length, lines, 'web.1 did not run again');
    assert.ok(!findMarked(marker).some((p) => p.pid === debugged), 'the debugged process is gone');
    assert.equal(get('web.2').state, 'running');
  });

  it('debugging a stopped instance starts only that instance', async () => {
    formation = new ManagedFormation(config());
    const { output, get } = watched(formation);
    assert.equal(await formation.debug('web.2', nodeInspectorLaunch), true);
    await until(() => get('web.2').state === 'running' && output['web.2']?.length === 1);
    assert.deepEqual(output['web.2'], ['web web.2 5001 NODE_OPTIONS=--inspect=127.0.0.1:0']);
    await sleep(200);
    assert.deepEqual(
      formation.snapshot().map((s) => `${s.name}:${s.state}:${s.debugging}`),
      ['web.1:stopped:false', 'web.2:running:true', 'worker.1:stopped:false'],
    );
    assert.equal(output['web.1'], undefined);
    assert.equal(output['worker.1'], undefined);
  });

  it('ending the debug session of an instance stopped meanwhile keeps it stopped', async () => {
    formation = new ManagedFormation(config());
    const { output, get } = watched(formation);
    await formation.debug('web.1', nodeInspectorLaunch);
    await until(() => get('web.1').state === 'running' && output['web.1']?.length === 1);
    await formation.stop('web.1');
    const pid = get('web.1').pid;
    assert.equal(await formation.endDebug('web.1'), true);
    await sleep(300);
    assert.equal(get('web.1').state, 'stopped');
    assert.equal(get('web.1').debugging, false);
    assert.equal(get('web.1').pid, pid);
    assert.equal(output['web.1'].length, 1);
  });

  it('ending the debug session of an instance that completed meanwhile does not run it again', async () => {
    formation = new ManagedFormation(config('web: echo "done NODE_OPTIONS=$NODE_OPTIONS"\n', { counts: new Map() }));
    const { output, get } = watched(formation);
    await formation.debug('web.1', nodeInspectorLaunch);
    await until(() => get('web.1').state === 'exited');
    assert.equal(get('web.1').debugging, true, 'a completed run is still the debugged instance until the session ends');
    await formation.endDebug('web.1');
    assert.equal(get('web.1').debugging, false);
    await sleep(300);
    assert.equal(get('web.1').state, 'exited');
    assert.deepEqual(output['web.1'], ['done NODE_OPTIONS=--inspect=127.0.0.1:0']);
  });

  it('an automatic restart after a crash keeps the debug launch', async () => {
    formation = new ManagedFormation(config('web: echo "run NODE_OPTIONS=$NODE_OPTIONS"; sleep 0.3; exit 1\n', { counts: new Map(), timeScale: 0.01 }));
    const { output, states, get } = watched(formation);
    await formation.debug('web.1', nodeInspectorLaunch);
    await until(() => (output['web.1']?.length ?? 0) >= 2);
    assert.deepEqual(output['web.1'].slice(0, 2), ['run NODE_OPTIONS=--inspect=127.0.0.1:0', 'run NODE_OPTIONS=--inspect=127.0.0.1:0']);
    assert.ok(states['web.1'].includes('restarting'), `states: ${states['web.1'].join(' → ')}`);
    assert.ok(get('web.1').restarts >= 1);
    assert.equal(get('web.1').debugging, true);
  });

  it('a Stop All while an instance returns to a normal run (or restarts) wins: nothing starts again', async () => {
    // Was a race: ending a debug session restarts the instance; a Stop All during that restart's stop
    // phase was followed by the restart's start, leaving the instance running after Stop All.
    formation = new ManagedFormation(config());
    const { get } = watched(formation);
    formation.startAll();
    await until(() => formation!.snapshot().every((s) => s.state === 'running'));
    await formation.debug('web.1', nodeInspectorLaunch);
    await until(() => get('web.1').state === 'running' && get('web.1').debugging);
    const returning = formation.endDebug('web.1');
    const restarting = formation.restart('web.2');
    const restartingAll = formation.restartAll();
    await formation.stopAll();
    await Promise.all([returning, restarting, restartingAll]);
    await sleep(500);
    for (const name of ['web.1', 'web.2', 'worker.1']) assert.equal(get(name).state, 'stopped', `${name} stays stopped`);
    assert.equal(get('web.1').debugging, false);
  });

  it('Restart All restarts every instance (new processes) and starts the stopped ones', async () => {
    formation = new ManagedFormation(config());
    const { get } = watched(formation);
    formation.start('web.1');
    await until(() => get('web.1').state === 'running');
    const first = get('web.1').pid;
    await formation.restartAll();
    await until(() => formation!.snapshot().every((s) => s.state === 'running'));
    assert.notEqual(get('web.1').pid, first);
  });

  it('a Restart of a debugged instance restarts it under the debugger (the session goes on)', async () => {
    formation = new ManagedFormation(config());
    const { output, get } = watched(formation);
    formation.start('web.1');
    await until(() => get('web.1').state === 'running');
    await formation.debug('web.1', nodeInspectorLaunch);
    await until(() => get('web.1').state === 'running' && output['web.1']?.length === 2);
    const debugged = get('web.1').pid;
    await formation.restart('web.1');
    await until(() => get('web.1').state === 'running' && output['web.1'].length === 3);
    assert.notEqual(get('web.1').pid, debugged);
    assert.equal(get('web.1').debugging, true);
    assert.match(output['web.1'][2], /--inspect=127\.0\.0\.1:0$/);
  });

  it('ending debugging announces one new run, with the new PID (no "running" event for the old process)', async () => {
    // Was a bug: the debugging flag changing re-sent "running" with the old PID, and the terminal
    // printed a "started again (pid OLD)" separator before the real one.
    formation = new ManagedFormation(config());
    const { get } = watched(formation);
    const running: [string, number | undefined][] = [];
    formation.on('running', (snapshot) => running.push([snapshot.name, snapshot.pid]));
    formation.start('web.1');
    await until(() => get('web.1').state === 'running');
    await formation.debug('web.1', nodeInspectorLaunch);
    await until(() => get('web.1').state === 'running' && get('web.1').debugging);
    const debugged = get('web.1').pid;
    running.length = 0;
    await formation.endDebug('web.1');
    await until(() => get('web.1').state === 'running' && !get('web.1').debugging);
    assert.deepEqual(running, [['web.1', get('web.1').pid]]);
    assert.notEqual(get('web.1').pid, debugged);
  });

  it('an unknown instance cannot be debugged', async () => {
    formation = new ManagedFormation(config());
    assert.equal(await formation.debug('nope', nodeInspectorLaunch), false);
    assert.equal(await formation.debug('web.3', nodeInspectorLaunch), false);
    assert.equal(await formation.endDebug('nope'), false);
    assert.ok(formation.snapshot().every((s) => s.state === 'stopped' && !s.debugging));
  });
});
