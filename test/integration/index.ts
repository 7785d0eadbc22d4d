/**
 * The integration-test entry VS Code calls in the extension host (`extensionTestsPath`): the `run()`
 * contract shared by our code-server runner (test/runInCodeServer.mjs) and `@vscode/test-electron`
 * (test/runInDesktop.mjs). Runs mocha (BDD) over the compiled `*.test.js` files next to this file — or,
 * when FORMATION_TEST_SUITE names a subfolder (e.g. `untrusted`), over that subfolder's — prints the
 * plain line "N passed, N failed" and rejects when anything failed. MOCHA_GREP filters by title.
 */
import Mocha from 'mocha';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Compiled tests of one suite, in name order; the default suite excludes the subfolders. */
function testFiles(dir: string, recursive: boolean): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return recursive ? testFiles(path, true) : [];
      return name.endsWith('.test.js') ? [path] : [];
    });
}

/** Called by VS Code once the extension host is up; settles when the suite is done. */
export function run(): Promise<void> {
  const suite = process.env.FORMATION_TEST_SUITE ?? '';
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: false,
    timeout: 60_000,
    slow: 10_000,
    grep: process.env.MOCHA_GREP,
    forbidOnly: true,
  });
  const files = suite ? testFiles(join(__dirname, suite), true) : testFiles(__dirname, false);
  for (const file of files) mocha.addFile(file);

  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const passes = runner.stats?.passes ?? 0;
      console.log(`${passes} passed, ${failures} failed`);
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
      else if (files.length === 0) reject(new Error(`no tests found for suite "${suite || 'default'}"`));
      else resolve();
    });
  });
}
