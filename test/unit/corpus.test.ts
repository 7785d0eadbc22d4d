import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, runCli } from './support/cli';

/** 87 real Procfiles with Foreman 0.87.2's own parse (copied from ../shared/corpus). */
const CORPUS = join(FIXTURES, 'corpus');

interface Truth {
  id: string;
  file: string;
  foreman: { parse: { entries: [string, string][] }; check: { exit_code: number } };
}

describe('corpus: formation check --json agrees with Foreman', () => {
  const truths: Truth[] = readdirSync(join(CORPUS, 'truth'))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(CORPUS, 'truth', name), 'utf8')));

  it('has the 87 Procfiles', () => assert.equal(truths.length, 87));

  for (const truth of truths) {
    it(`${truth.id} ${truth.file.replace(/^files\/\d+__/, '')}`, async () => {
      const result = await runCli(['check', '--json', '-f', join(CORPUS, truth.file)], { cwd: CORPUS });
      const report = JSON.parse(result.stdout);
      const pairs = report.entries.map((e: { name: string; command: string }) => [e.name, e.command.trimEnd()]);
      assert.deepEqual(pairs, truth.foreman.parse.entries.map(([name, command]) => [name, command.trimEnd()]));
      // Foreman's "no processes defined" is an error here too; lines Foreman drops silently are
      // errors here (e.g. a stray `heroku ps:scale` line), so a Foreman pass may be our failure.
      if (truth.foreman.check.exit_code !== 0) assert.equal(result.code, 1, result.stdout);
    });
  }
});
