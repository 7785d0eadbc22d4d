/**
 * Case 38 (../shared/cases, copied to test/fixtures/cases): a Procfile in a subfolder. The root is
 * the Procfile's folder (or -d): processes run there and the default `.env` is read there, not in
 * the folder the CLI was started from.
 */
import * as assert from 'node:assert/strict';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { caseDir } from '../support/cli';
import { assertCleanStop, assertPrinted, startedInstances, startUntil } from '../support/startUntil';

describe('case 38 — Procfile in a subfolder: working folder and which .env', () => {
  const top = caseDir('38-procfile-in-subdirectory-cwd');
  const app = realpathSync(join(top, 'app'));
  const printed = { 'app.1': [`run.sh: PWD=${app} config=config-from-app-dir FROM_APP_ENV=yes FROM_TOP_ENV=<unset>`] };

  for (const args of [['-f', 'app/Procfile'], ['-d', 'app']]) {
    it(`start ${args.join(' ')} from the top folder runs in app/ with app/.env only`, async () => {
      const result = await startUntil(args, printed, { cwd: top });
      assert.deepEqual(startedInstances(result), ['app.1']);
      assertPrinted(result, printed);
      assertCleanStop(result);
    });
  }
});
