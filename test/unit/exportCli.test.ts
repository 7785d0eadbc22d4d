/**
 * `formation export FORMAT DIR` through the built CLI (dist/cli.js): what it writes and prints, its
 * usage errors (exit 2), and a round trip of the repository's example app to Compose and Kubernetes,
 * validated as in export.test.ts (helpers: test/fixtures/export/validators.ts).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadEnvironment } from '../../src/core/environment';
import { parseFormation } from '../../src/core/formation';
import { parseProcfile } from '../../src/core/procfile';
import { isSimpleCommand } from '../../src/core/shellCommand';
import { type Asked, checkComposeExport, checkKubernetesExport, type WrittenFile } from '../fixtures/export/validators';
import { FIXTURES, ROOT, runCli } from './support/cli';

const EXPORT_FIXTURES = join(FIXTURES, 'export');
const EXAMPLES = join(ROOT, 'examples');
/** No inherited PORT: the base port is 5000 unless a fixture's .env says otherwise. */
const CLI_RUN = { cwd: ROOT, timeoutMs: 15_000, env: { PORT: undefined } };
const scriptOf = (command: string): string => (isSimpleCommand(command) ? `exec ${command}` : command);

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'formation-export-cli-'));
  tempDirs.push(dir);
  return dir;
}

/** Every file of a folder as written, with its permission bits. */
function readBack(dir: string): WrittenFile[] {
  return readdirSync(dir)
    .sort()
    .map((name) => ({ name, content: readFileSync(join(dir, name), 'utf8'), mode: statSync(join(dir, name)).mode & 0o777 }));
}

/** What `formation export -d FOLDER [-m FORMATION]` is asked to export (env files only). */
function asked(folder: string, app: string, formation?: string): Asked {
  const { types } = parseProcfile(readFileSync(join(folder, 'Procfile')));
  const env = loadEnvironment({}, [{ path: join(folder, '.env'), explicit: false }]).fromFiles;
  return { app, types, counts: formation === undefined ? undefined : parseFormation(formation), basePort: 5000, env, stopTimeoutS: 5 };
}

describe('formation export (CLI)', function () {
  this.timeout(30_000);
  after(() => {
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('compose: exits 0, prints a "wrote" line per file, warnings on stderr, the env file 0600', async () => {
    const out = join(tempDir(), 'deploy');
    const result = await runCli(['export', 'compose', out, '-d', join(EXPORT_FIXTURES, 'basic'), '-m', 'all=1,web=2,release=0'], CLI_RUN);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.deepEqual(result.stdout.split('\n').filter((l) => l !== ''), [`wrote ${join(out, 'compose.yaml')}`, `wrote ${join(out, 'basic.env')}`]);
    assert.deepEqual(result.stderr.split('\n').filter((l) => l !== ''), [
      `warning: no --image given: every service builds the Dockerfile of the app's folder (build: ${relative(out, join(EXPORT_FIXTURES, 'basic'))}) and tags it basic:latest`,
      'warning: scaled to 0 (deploy.replicas: 0): release',
    ]);
    assert.deepEqual(readdirSync(out).sort(), ['basic.env', 'compose.yaml']);
    assert.equal(statSync(join(out, 'basic.env')).mode & 0o777, 0o600);
    assert.equal(statSync(join(out, 'compose.yaml')).mode & 0o777, 0o644);
    assert.deepEqual(result.leftovers, []);
  });

  it('an existing env file with a looser mode is tightened to 0600 on export', async () => {
    const out = tempDir();
    writeFileSync(join(out, 'basic.env'), 'OLD=1\n', { mode: 0o644 });
    const result = await runCli(['export', 'systemd', out, '-d', join(EXPORT_FIXTURES, 'basic')], CLI_RUN);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(statSync(join(out, 'basic.env')).mode & 0o777, 0o600);
    assert.doesNotMatch(readFileSync(join(out, 'basic.env'), 'utf8'), /OLD=1/);
  });

  describe('usage errors exit 2 with a message and write nothing', () => {
    const basic = join(EXPORT_FIXTURES, 'basic');
    const cases: [string, (out: string) => string[], RegExp][] = [
      ['an unknown format', (out) => ['export', 'nomad', out, '-d', basic], /unknown export format "nomad" \(formats: systemd, supervisord, compose, kubernetes\)/],
      ['a bad -m', (out) => ['export', 'compose', out, '-d', basic, '-m', 'web=two'], /invalid count "two" for web/],
      ['an unknown type in -m', (out) => ['export', 'compose', out, '-d', basic, '-m', 'wbe=1'], /unknown process type "wbe"/],
      ['-t abc', (out) => ['export', 'compose', out, '-d', basic, '-t', 'abc'], /-t must be seconds from 0.1 to 3600.*"abc"/],
      ['a missing -e file', (out) => ['export', 'compose', out, '-d', basic, '-e', 'no-such.env'], /env file not found: .*no-such\.env/],
      ['kubernetes with names that collide', (out) => ['export', 'kubernetes', out, '-d', join(EXPORT_FIXTURES, 'collide')], /process types "web_app" and "web-app" both become "web-app"/],
    ];
    for (const [what, args, message] of cases) {
      it(what, async () => {
        const out = join(tempDir(), 'out');
        const result = await runCli(args(out), CLI_RUN);
        assert.equal(result.code, 2, result.stdout + result.stderr);
        assert.match(result.stderr, message);
        assert.doesNotMatch(result.stdout, /wrote/);
        assert.throws(() => statSync(out), /ENOENT/, 'nothing written');
      });
    }

    it('DIR is an existing file', async () => {
      const file = join(tempDir(), 'compose.yaml');
      writeFileSync(file, 'keep me\n');
      const result = await runCli(['export', 'compose', file, '-d', basic], CLI_RUN);
      assert.equal(result.code, 2, result.stdout + result.stderr);
      assert.match(result.stderr, /is not a folder/);
      assert.equal(readFileSync(file, 'utf8'), 'keep me\n');
    });
  });

  describe('round trip of examples/ (the example app)', () => {
    const app = 'examples';

    it('compose: a valid compose.yaml and env file', async () => {
      const out = tempDir();
      const result = await runCli(['export', 'compose', out, '-d', 'examples', '-m', 'all=1,web=2,release=0'], CLI_RUN);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const files = readBack(out);
      assert.deepEqual(files.map((f) => f.name), ['compose.yaml', 'examples.env']);
      checkComposeExport(files, asked(EXAMPLES, app, 'all=1,web=2,release=0'), scriptOf);
    });

    it('kubernetes: every document valid, the ConfigMap holds examples/.env', async () => {
      const out = tempDir();
      const result = await runCli(['export', 'kubernetes', out, '-d', 'examples', '--image', 'ghcr.io/acme/examples:1'], CLI_RUN);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const files = readBack(out);
      assert.deepEqual(files.map((f) => f.name), ['examples-env.yaml', 'examples.yaml']);
      const objects = checkKubernetesExport(files, { ...asked(EXAMPLES, app), image: 'ghcr.io/acme/examples:1' }, scriptOf, []);
      assert.deepEqual([...objects.keys()].sort(), ['ConfigMap/examples-env', 'Deployment/examples-clock', 'Deployment/examples-web', 'Deployment/examples-worker', 'Job/examples-release', 'Service/examples-web']);
    });
  });

  describe('CLI bugs found in review (fail until src/cli/export.ts is fixed)', () => {
    it('DIR below a file is a usage error (exit 2), not an internal error with a stack trace', async () => {
      const file = join(tempDir(), 'plain-file');
      writeFileSync(file, '');
      const result = await runCli(['export', 'compose', join(file, 'deploy'), '-d', join(EXPORT_FIXTURES, 'basic')], CLI_RUN);
      assert.doesNotMatch(result.stderr, /internal error|\n\s+at /);
      assert.equal(result.code, 2, result.stderr);
    });
  });
});
