// Builds dist/cli.js (the `formation` command), dist/extension.js (the VS Code entry), the unit tests
// (out/test/unit) and the integration tests with their `run()` entry (out/test/integration) in one
// run. Everything is bundled to CommonJS for Node 20: execa is ESM-only and VS Code 1.90 loads
// extensions as CommonJS.
import * as esbuild from 'esbuild';
import { chmodSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Lists `*.test.ts` files under a folder, recursively. */
function testFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
const watch = process.argv.includes('--watch');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  external: ['vscode'],
  define: { PACKAGE_VERSION: JSON.stringify(version) },
};

const builds = [
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
  {
    ...common,
    entryPoints: testFiles('test/unit'),
    outdir: 'out/test/unit',
    outbase: 'test/unit',
    external: ['vscode', 'mocha'],
  },
  {
    // Loaded by the extension host: `require('mocha')` resolves this project's node_modules.
    ...common,
    entryPoints: ['test/integration/index.ts', ...testFiles('test/integration')],
    outdir: 'out/test/integration',
    outbase: 'test/integration',
    external: ['vscode', 'mocha'],
  },
];

// Tests deleted from test/ must not keep running from an old build.
rmSync('out/test', { recursive: true, force: true });

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
  chmodSync('dist/cli.js', 0o755);
}
