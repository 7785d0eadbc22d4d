import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { leaderStartTime, OrphanRegistry } from '../../src/core/orphans';

/** A process group like an instance's: `sh` leading a `sleep` child. */
function startGroup() {
  const child = spawn('/bin/sh', ['-c', 'sleep 30 & wait'], { detached: true, stdio: 'ignore' });
  return child.pid!;
}

const alive = (pid: number) => leaderStartTime(pid) !== undefined;

describe('orphan registry (what a killed extension host leaves behind)', function () {
  this.timeout(10_000);
  const file = join(mkdtempSync(join(tmpdir(), 'formation-orphans-')), 'process-groups.json');

  it('stops, in the next session, the groups a previous session recorded', async () => {
    const pid = startGroup();
    await new Promise((r) => setTimeout(r, 100));
    new OrphanRegistry(file).add(pid, 'web.1'); // the session that was killed
    assert.ok(alive(pid));
    const stopped = await new OrphanRegistry(file).stopLeftovers(1000);
    assert.deepEqual(stopped, ['web.1']);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(alive(pid), false);
  });

  it('never signals a reused PID (start time differs) and forgets removed groups', async () => {
    const pid = startGroup();
    try {
      writeFileSync(file, JSON.stringify([{ pgid: pid, startTime: '1', name: 'old.1' }]));
      assert.deepEqual(await new OrphanRegistry(file).stopLeftovers(500), []);
      assert.ok(alive(pid));
      const registry = new OrphanRegistry(file);
      registry.add(pid, 'web.1');
      registry.remove(pid);
      assert.deepEqual(await new OrphanRegistry(file).stopLeftovers(500), []);
      assert.ok(alive(pid));
    } finally {
      process.kill(-pid, 'SIGKILL');
    }
  });
});
