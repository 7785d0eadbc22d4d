import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { desiredCount, type FormationConfig, ManagedFormation } from '../../src/core/managedFormation';
import { parseProcfile } from '../../src/core/procfile';
import { findMarked } from './support/cli';
import { until } from './support/wait';

const procfile = 'web: echo "web $PS $PORT $GREETING"; sleep 30\nworker: echo "worker $PS $PORT"; sleep 30\n';

function config(text = procfile, overrides: Partial<FormationConfig> = {}): FormationConfig {
  return {
    root: process.cwd(),
    types: parseProcfile(text).types,
    env: { PATH: process.env.PATH ?? '', FORMATION_TEST_MARKER: marker, GREETING: 'hi' },
    basePort: 5000,
    counts: new Map(),
    ...overrides,
  };
}

let marker = randomUUID();

describe('managed formation (what the editor drives)', function () {
  this.timeout(20_000);
  let formation: ManagedFormation | undefined;
  beforeEach(() => (marker = randomUUID()));
  afterEach(async () => {
    await formation?.stopAll();
    for (const { pid } of findMarked(marker)) process.kill(pid, 'SIGKILL');
  });

  it('counts: default 1, the all key, explicit counts, bounded 0–100', () => {
    assert.equal(desiredCount('web', new Map()), 1);
    assert.equal(desiredCount('web', new Map([['all', 2]])), 2);
    assert.equal(desiredCount('web', new Map([['all', 2], ['web', 0]])), 0);
    assert.equal(desiredCount('web', new Map([['web', 500]])), 100);
  });

  it('lists stopped instances per the counts before anything runs', () => {
    formation = new ManagedFormation(config(procfile, { counts: new Map([['worker', 2]]) }));
    assert.deepEqual(formation.snapshot().map((s) => `${s.name}:${s.state}:${s.port}`), ['web.1:stopped:5000', 'worker.1:stopped:5100', 'worker.2:stopped:5101']);
  });

  it('scales a running type up and down live, keeping PORTs', async () => {
    formation = new ManagedFormation(config());
    const output: string[] = [];
    formation.on('output', (_name, _type, lines) => output.push(...lines));
    formation.startAll();
    await until(() => formation!.snapshot().every((s) => s.state === 'running'));
    await formation.scale('worker', 3);
    await until(() => formation!.snapshot().filter((s) => s.type === 'worker' && s.state === 'running').length === 3);
    await until(() => output.includes('worker worker.3 5102'));
    await formation.scale('worker', 1);
    assert.deepEqual(formation.snapshot().map((s) => `${s.name}:${s.state}`), ['web.1:running', 'worker.1:running']);
    await formation.scale('worker', 0);
    assert.deepEqual(formation.snapshot().map((s) => s.name), ['web.1']);
    await assert.rejects(formation.scale('nope', 1), RangeError);
    await assert.rejects(formation.scale('web', 101), RangeError);
  });

  it('scaling while the formation runs starts the whole type, like ps:scale', async () => {
    formation = new ManagedFormation(config());
    formation.start('web');
    await until(() => formation!.snapshot().find((s) => s.name === 'web.1')?.state === 'running');
    await formation.scale('worker', 2);
    await until(() => formation!.snapshot().filter((s) => s.type === 'worker' && s.state === 'running').length === 2);
  });

  it('scaling when nothing runs only changes the count', async () => {
    formation = new ManagedFormation(config());
    await formation.scale('web', 2);
    assert.deepEqual(formation.snapshot().map((s) => `${s.name}:${s.state}`), ['web.1:stopped', 'web.2:stopped', 'worker.1:stopped']);
  });

  it('marks running instances whose env or command changed, applies it on restart, stops removed types', async () => {
    formation = new ManagedFormation(config());
    const output: string[] = [];
    formation.on('output', (_name, _type, lines) => output.push(...lines));
    formation.startAll();
    await until(() => output.includes('web web.1 5000 hi'));
    await formation.update(config(procfile, { env: { PATH: process.env.PATH ?? '', FORMATION_TEST_MARKER: marker, GREETING: 'hello' } }));
    assert.deepEqual(formation.snapshot().map((s) => `${s.name}:${s.changed}`), ['web.1:true', 'worker.1:true']);
    await formation.restart('web');
    await until(() => output.includes('web web.1 5000 hello'));
    assert.equal(formation.snapshot().find((s) => s.name === 'web.1')?.changed, false);
    await formation.update(config('web: echo "web $PS $PORT $GREETING"; sleep 30\n', { env: { PATH: process.env.PATH ?? '', FORMATION_TEST_MARKER: marker, GREETING: 'hello' } }));
    assert.deepEqual(formation.snapshot().map((s) => s.name), ['web.1']);
    assert.equal(findMarked(marker).filter((p) => p.cmdline.includes('worker')).length, 0, 'the removed type was stopped');
  });

  it('a type that leaves the Procfile stops only after the grace period; back in time, it keeps running at its count', async () => {
    formation = new ManagedFormation(config(procfile, { removalGraceMs: 400, counts: new Map([['worker', 2]]) }));
    formation.startAll();
    await until(() => formation!.snapshot().every((s) => s.state === 'running'));
    const pids = formation.snapshot().map((s) => s.pid);
    // `worker:` renamed to `workerx:` by a keystroke, then back.
    await formation.update(config(procfile.replace('worker:', 'workerx:'), { removalGraceMs: 400, counts: new Map([['worker', 2]]) }));
    await formation.update(config(procfile, { removalGraceMs: 400, counts: new Map([['worker', 2]]) }));
    await new Promise((r) => setTimeout(r, 700));
    assert.deepEqual(formation.snapshot().map((s) => s.pid), pids, 'nothing stopped');
    assert.equal(formation.count('worker'), 2, 'the count survived');
    // Removed for good: stopped after the grace period.
    await formation.update(config(procfile.replace(/^worker:.*\n/m, ''), { removalGraceMs: 400, counts: new Map([['worker', 2]]) }));
    assert.equal(formation.snapshot().filter((s) => s.type === 'worker' && s.state === 'running').length, 2, 'still running right after the edit');
    await until(() => !formation!.snapshot().some((s) => s.type === 'worker'), 3000);
  });

  it('keeps a crashed instance and its exit code through a rescale of another type', async () => {
    formation = new ManagedFormation(config('web: sleep 30\nbad: exit 4\n', { restart: 'never' }));
    formation.startAll();
    await until(() => formation!.snapshot().find((s) => s.name === 'bad.1')?.state === 'crashed');
    await formation.scale('web', 2);
    assert.equal(formation.snapshot().find((s) => s.name === 'bad.1')?.exitCode, 4);
  });
});
