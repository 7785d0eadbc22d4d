/**
 * `npm run test:desktop`: the same integration suite (out/test/integration/index.js, the `run()`
 * contract) in desktop VS Code via @vscode/test-electron, for machines that can download VS Code (it
 * cannot be downloaded in this project's CI; there `npm test` uses test/runInCodeServer.mjs instead).
 * Opens the fixture workspace; FORMATION_TEST_SUITE=untrusted runs that suite instead.
 */
import { runTests } from '@vscode/test-electron';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const suite = process.env.FORMATION_TEST_SUITE ?? '';

try {
  await runTests({
    version: process.env.VSCODE_TEST_VERSION ?? 'stable',
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'out', 'test', 'integration', 'index.js'),
    extensionTestsEnv: { FORMATION_TEST_SUITE: suite },
    launchArgs: [join(root, 'test', 'fixtures', 'workspace'), '--disable-extensions',
      ...(suite === 'untrusted' ? [] : ['--disable-workspace-trust'])],
  });
} catch (error) {
  console.error(`desktop integration tests failed: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
}
