/**
 * PORT and formation cases (../shared/cases 19, copied to test/fixtures/cases), through the built
 * CLI. Issue 2's (Foreman's) rule: PORT = base + 100 × (the type's index among the Procfile's
 * entries) + (instance − 1), whatever the formation string's order and whichever types run.
 * Cases 04, 05, 06 (PORT with skipped lines, odd names, duplicates) are in parsing.cases.test.ts,
 * case 17 (the base from -p, .env, the environment) in env.cases.test.ts.
 */
import * as assert from 'node:assert/strict';
import { caseDir, runCli } from '../support/cli';
import { assertCleanStop, assertPrinted, type Printed, startedInstances, startUntil } from '../support/startUntil';

const cwd = caseDir('19-port-formation');

/** (a) of the case; (b) must print exactly the same. */
const webTwoWorkerOne: Printed = {
  'web.1': ['PORT=5000 PS=web.1'],
  'web.2': ['PORT=5001 PS=web.2'],
  'worker.1': ['PORT=5100 PS=worker.1'],
};

const runs: { title: string; args: string[]; printed: Printed }[] = [
  { title: 'a: -m web=2,worker=1,clock=0', args: ['-m', 'web=2,worker=1,clock=0'], printed: webTwoWorkerOne },
  { title: 'b: -m worker=1,web=2 (same ports as a; unlisted clock gets 0)', args: ['-m', 'worker=1,web=2'], printed: webTwoWorkerOne },
  { title: 'only worker runs: its block stays 5100', args: ['worker'], printed: { 'worker.1': ['PORT=5100 PS=worker.1'] } },
  { title: '-m all=1,clock=2 -p 6000', args: ['-m', 'all=1,clock=2', '-p', '6000'], printed: {
    'web.1': ['PORT=6000 PS=web.1'],
    'worker.1': ['PORT=6100 PS=worker.1'],
    'clock.1': ['PORT=6200 PS=clock.1'],
    'clock.2': ['PORT=6201 PS=clock.2'],
  } },
];

describe('case 19 — PORT for a formation with several types and instances', () => {
  for (const r of runs) {
    it(`${r.title}: starts exactly ${Object.keys(r.printed).join(', ')} with their ports`, async () => {
      const result = await startUntil(r.args, r.printed, { cwd });
      assert.deepEqual(startedInstances(result).sort(), Object.keys(r.printed).sort(), result.stdout);
      assertPrinted(result, r.printed);
      assertCleanStop(result);
    });
  }

  const refused: { args: string[]; message: RegExp }[] = [
    // A 101st instance would take the next type's block.
    { args: ['-m', 'web=101'], message: /invalid count "101" for web.*0 to 100/ },
    { args: ['-m', 'nope=1'], message: /unknown process type "nope".*web, worker, clock/ },
    { args: ['-m', 'web'], message: /invalid formation "web"/ },
    { args: ['nope'], message: /unknown process type "nope".*web, worker, clock/ },
  ];
  for (const r of refused) {
    it(`start ${r.args.join(' ')} is a usage error (exit 2), nothing started`, async () => {
      const result = await runCli(['start', '--no-timestamp', ...r.args], { cwd, timeoutMs: 10_000 });
      assert.equal(result.code, 2, result.stdout + result.stderr);
      assert.match(result.stderr, r.message);
      assert.deepEqual(startedInstances(result), []);
      assert.deepEqual(result.leftovers, []);
    });
  }
});
