import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { InstanceSnapshot, InstanceState } from '../../src/core/instance';
import { groupMembers, signalGroup } from '../../src/core/processGroup';
import { Supervisor } from '../../src/core/supervisor';
import { findMarked } from './support/cli';

const spec = (name: string, command: string, port = 5000) => {
  const [type, index] = name.split('.');
  return { name, type, index: Number(index), command, port };
};

/** A supervisor whose processes carry a marker, so the test can prove none is left. */
function supervisor(options: Partial<ConstructorParameters<typeof Supervisor>[0]> = {}) {
  const marker = randomUUID();
  const sup = new Supervisor({ cwd: process.cwd(), env: { ...(process.env as Record<string, string>), FORMATION_TEST_MARKER: marker }, ...options });
  const states: Record<string, InstanceState[]> = {};
  const output: Record<string, string[]> = {};
  sup.on('state', (s: InstanceSnapshot) => (states[s.name] ??= []).push(s.state));
  sup.on('output', (name, lines) => (output[name] ??= []).push(...lines));
  const waitFor = (name: string, state: InstanceState, timeoutMs = 10_000) =>
    new Promise<InstanceSnapshot>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} never reached ${state}: ${states[name]?.join(' → ')}`)), timeoutMs);
      const check = (s: InstanceSnapshot) => {
        if (s.name === name && s.state === state) {
          clearTimeout(timer);
          sup.off('state', check);
          resolve(s);
        }
      };
      sup.on('state', check);
    });
  const leftovers = () => findMarked(marker);
  const cleanup = async () => {
    sup.killAll();
    for (const { pid } of leftovers()) process.kill(pid, 'SIGKILL');
  };
  return { sup, states, output, waitFor, leftovers, cleanup };
}

describe('supervisor', function () {
  this.timeout(20_000);
  let current: ReturnType<typeof supervisor> | undefined;
  afterEach(async () => current?.cleanup());

  it('goes starting → running → stopping → stopped, with PID, PORT and PS', async () => {
    current = supervisor();
    const { sup, states, output, waitFor } = current;
    sup.startAll([spec('web.2', 'echo "PS=$PS PORT=$PORT"; sleep 30', 5001)]);
    const running = await waitFor('web.2', 'running');
    assert.ok(running.pid !== undefined && running.pid > 1);
    assert.equal(running.port, 5001);
    await new Promise((r) => setTimeout(r, 200));
    await sup.stopAll();
    assert.deepEqual(states['web.2'], ['starting', 'running', 'stopping', 'stopped']);
    assert.deepEqual(output['web.2'], ['PS=web.2 PORT=5001']);
    assert.equal(sup.get('web.2')?.snapshot().signal, 'SIGTERM');
    assert.deepEqual(current.leftovers(), []);
  });

  it('restarts a crash after the backoff, keeping its PORT, then gives up', async () => {
    current = supervisor({ timeScale: 0.01 });
    const { sup, states, output, waitFor } = current;
    sup.startAll([spec('flaky.1', 'echo "up on $PORT"; exit 3', 5100)]);
    const gaveUp = await waitFor('flaky.1', 'crashed');
    assert.equal(gaveUp.gaveUp, true);
    assert.equal(gaveUp.restarts, 5);
    assert.equal(gaveUp.exitCode, 3);
    assert.equal(states['flaky.1'].filter((s) => s === 'restarting').length, 5);
    assert.deepEqual(new Set(output['flaky.1']), new Set(['up on 5100']));
    sup.get('flaky.1')?.start();
    assert.equal(sup.get('flaky.1')?.snapshot().gaveUp, false, 'a start by the user clears gaveUp');
    await sup.stopAll();
  });

  it('a stop cancels a pending restart and ends in stopped', async () => {
    current = supervisor();
    const { sup, waitFor } = current;
    sup.startAll([spec('flaky.1', 'exit 1')]);
    await waitFor('flaky.1', 'restarting');
    await sup.stopAll();
    assert.equal(sup.get('flaky.1')?.state, 'stopped');
    await new Promise((r) => setTimeout(r, 1300));
    assert.equal(sup.get('flaky.1')?.state, 'stopped', 'never restarted after the stop');
  });

  it('clears what a finished process left in its group before reporting the exit', async () => {
    current = supervisor();
    const { sup, waitFor } = current;
    sup.startAll([spec('release.1', 'sleep 300 & echo done')]);
    const exited = await waitFor('release.1', 'exited');
    assert.equal(exited.exitCode, 0);
    assert.deepEqual(current.leftovers(), [], 'the background sleep is gone');
  });

  it('writes to an instance stdin, which stays open until it stops', async () => {
    current = supervisor();
    const { sup, output, waitFor } = current;
    sup.startAll([spec('reader.1', 'while read line; do echo "got $line"; done; echo EOF')]);
    await waitFor('reader.1', 'running');
    assert.equal(sup.get('reader.1')?.write('hello\n'), true);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(output['reader.1'], ['got hello']);
    await sup.stopAll();
  });

  it('refuses to signal a group id that is not a real group', () => {
    assert.equal(signalGroup(0, 'SIGTERM'), false);
    assert.equal(signalGroup(1, 'SIGTERM'), false);
    assert.equal(signalGroup(-1, 'SIGTERM'), false);
    assert.deepEqual(groupMembers(1), []);
  });
});
