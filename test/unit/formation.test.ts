import assert from 'node:assert/strict';
import { checkFormationNames, choosePortBase, expandFormation, FormationError, parseFormation, parseTimeouts } from '../../src/core/formation';
import { parseProcfile } from '../../src/core/procfile';

const types = parseProcfile('web: a\nworker: b\nclock: c\nbroken:  \n').types;
const ports = (formation: string | undefined, base = 5000) =>
  expandFormation(types, formation === undefined ? undefined : parseFormation(formation), base).map((i) => `${i.name}=${i.port}`);

describe('formation and PORT', () => {
  it('runs every runnable type once without -m', () => {
    assert.deepEqual(ports(undefined), ['web.1=5000', 'worker.1=5100', 'clock.1=5200']);
  });

  it('gives unlisted types the all count, else 0', () => {
    assert.deepEqual(ports('web=2'), ['web.1=5000', 'web.2=5001']);
    assert.deepEqual(ports('all=1,web=2,worker=0'), ['web.1=5000', 'web.2=5001', 'clock.1=5200']);
  });

  it('keeps PORT blocks by Procfile line, whatever the formation order or which types run', () => {
    assert.deepEqual(ports('worker=1,web=2'), ports('web=2,worker=1'));
    assert.deepEqual(ports('clock=1', 9000), ['clock.1=9200']);
  });

  it('refuses a base port that would push an instance PORT above 65535', () => {
    assert.deepEqual(ports('clock=1', 65335), ['clock.1=65535']);
    assert.throws(() => ports(undefined, 65400), /clock\.1 would get PORT 65600, above 65535/);
  });

  it('sets PS and instance numbers', () => {
    const [a, b] = expandFormation(types, parseFormation('worker=2'), 5000);
    assert.deepEqual([a.name, a.type, a.index, b.name, b.index], ['worker.1', 'worker', 1, 'worker.2', 2]);
  });

  it('rejects bad formation text, counts over 100 and unknown types', () => {
    for (const bad of ['web', 'web=x', 'web=-1', 'web=101', 'web=1.5', '', '=2']) {
      assert.throws(() => parseFormation(bad), FormationError, bad);
    }
    assert.throws(() => checkFormationNames(parseFormation('wrker=1'), types), /unknown process type "wrker".*web, worker, clock/);
    assert.doesNotThrow(() => checkFormationNames(parseFormation('all=2,web=100'), types));
  });

  it('parses timeouts as seconds, per type', () => {
    assert.deepEqual([...parseTimeouts('5')], [['all', 5]]);
    assert.deepEqual([...parseTimeouts('all=5,worker=30')], [['all', 5], ['worker', 30]]);
    assert.deepEqual([...parseTimeouts('0.5')], [['all', 0.5]]);
    for (const bad of ['0', '-1', 'x', 'all=', 'worker=abc']) assert.throws(() => parseTimeouts(bad), FormationError, bad);
  });

  it('chooses the base port: -p, else PORT from env files, else inherited, else 5000', () => {
    assert.equal(choosePortBase('9000', '8000', '7000'), 9000);
    assert.equal(choosePortBase(undefined, '8000', '7000'), 8000);
    assert.equal(choosePortBase(undefined, undefined, '7000'), 7000);
    assert.equal(choosePortBase(undefined, undefined, undefined), 5000);
    assert.throws(() => choosePortBase('http', undefined, undefined), /invalid base port/);
    assert.throws(() => choosePortBase(undefined, '70000', undefined), /PORT in the env files/);
  });
});
