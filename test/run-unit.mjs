// Runs the unit tests (plain Node, no VS Code) built by esbuild into out/test/unit, serially, and ends
// with one plain line "N passed, N failed" that CI reads. MOCHA_GREP filters tests by title.
import Mocha from 'mocha';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function testFiles(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return testFiles(path);
      return name.endsWith('.test.js') ? [path] : [];
    });
}

const mocha = new Mocha({
  reporter: 'spec',
  timeout: 30_000,
  slow: 5_000,
  grep: process.env.MOCHA_GREP,
  forbidOnly: true,
  forbidPending: true,
});
for (const file of testFiles('out/test/unit')) mocha.addFile(file);

const runner = mocha.run((failures) => {
  const { passes = 0 } = runner.stats ?? {};
  console.log(`${passes} passed, ${failures} failed`);
  process.exitCode = failures > 0 ? 1 : 0;
});
