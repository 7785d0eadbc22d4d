/**
 * Installs, on first use, what the integration tests need to run inside a real VS Code here: Node 24 and
 * playwright-core (`<cache>/tools`), code-server built for Node 24 (`<cache>/code-server`), and Debian's
 * `chromium` (plus `libkrb5-dev`, whose headers code-server's `kerberos` module builds against) via
 * non-interactive apt. Idempotent: every piece already present is skipped, so the second call costs
 * nothing. The cache is `.vscode-test/` (git- and vsce-ignored); FORMATION_TEST_CACHE overrides it.
 * Node 24 is put on PATH only for the code-server install, never for the project's own `npm install`.
 *
 *   node scripts/test-tools.mjs        # install what is missing, print the paths
 *   import { ensureTestTools } from '../scripts/test-tools.mjs';
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withoutNpmRunEnv } from './npm-env.mjs';

export const NODE_VERSION = '24';
export const CODE_SERVER_VERSION = '4.139.1';
export const PLAYWRIGHT_VERSION = '1.65.1';
export const CHROMIUM = '/usr/bin/chromium';
const KRB5_HEADER = '/usr/include/gssapi/gssapi.h';
const INSTALL_TIMEOUT_MS = 10 * 60_000;
const APT_TIMEOUT_MS = 10 * 60_000;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const log = (message) => process.stderr.write(`[test-tools] ${message}\n`);

/** The cache folder and the paths of everything in it. */
export function toolPaths(cache = process.env.FORMATION_TEST_CACHE || join(root, '.vscode-test')) {
  const tools = join(cache, 'tools');
  const codeServer = join(cache, 'code-server');
  return {
    cache,
    tools,
    node: join(tools, 'node_modules', '.bin', 'node'),
    playwright: join(tools, 'node_modules', 'playwright-core'),
    codeServer,
    entry: join(codeServer, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    chromium: CHROMIUM,
  };
}

/** Runs a command in its own process group, output to stderr; kills the group after `timeoutMs`. */
export function runBounded(command, args, { cwd, env = process.env, timeoutMs }) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 2, 2] });
    const timer = setTimeout(() => {
      log(`${command} ${args.join(' ')}: timed out after ${timeoutMs / 1000} s, killing group ${child.pid}`);
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
    }, timeoutMs);
    child.on('error', (error) => { clearTimeout(timer); reject(error); });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise();
      else reject(new Error(`${command} ${args.join(' ')} failed (code ${code}, signal ${signal})`));
    });
  });
}

/** A folder npm treats as its own project (else it would walk up and install into /work/main). */
function npmProject(dir, name) {
  mkdirSync(dir, { recursive: true });
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) writeFileSync(manifest, JSON.stringify({ name, private: true }, null, 2) + '\n');
}

/** Debian packages, only when missing (CI runs as root; elsewhere `sudo -n` if it needs no password). */
async function ensureApt(packages) {
  if (packages.length === 0) return;
  const asRoot = process.getuid?.() === 0;
  const prefix = asRoot ? [] : ['sudo', '-n'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (...args) => {
    const [command, ...rest] = [...prefix, 'apt-get', ...args];
    return runBounded(command, rest, { env, timeoutMs: APT_TIMEOUT_MS });
  };
  log(`apt-get install ${packages.join(' ')}`);
  await apt('update');
  await apt('install', '-y', '--no-install-recommends', ...packages);
}

/** Node 24's headers, which the npm `node` package fetches as `node-linux-<arch>`. */
function nodeHeadersDir(paths) {
  const dir = join(paths.tools, 'node_modules', 'node', 'node_modules');
  const platform = existsSync(dir) ? readdirSync(dir).find((name) => name.startsWith(`node-${process.platform}-`)) : undefined;
  if (!platform) throw new Error(`Node ${NODE_VERSION} headers not found under ${dir}`);
  return join(dir, platform);
}

/** Installs whatever is missing and returns the paths (see toolPaths). `browser: false` skips
 * Chromium (opening VS Code for a person needs only code-server). */
export async function ensureTestTools(paths = toolPaths(), { browser = true } = {}) {
  const started = Date.now();
  const codeServerMissing = !existsSync(paths.entry);
  const apt = [];
  if (browser && !existsSync(paths.chromium)) apt.push('chromium');
  if (codeServerMissing && !existsSync(KRB5_HEADER)) apt.push('libkrb5-dev');
  await ensureApt(apt);

  const npmOptions = ['--no-audit', '--no-fund', '--no-save', '--no-package-lock'];
  if (!existsSync(paths.node) || !existsSync(join(paths.playwright, 'package.json'))) {
    log(`installing node@${NODE_VERSION} and playwright-core@${PLAYWRIGHT_VERSION} into ${paths.tools}`);
    npmProject(paths.tools, 'formation-test-tools');
    await runBounded('npm', ['install', ...npmOptions, `node@${NODE_VERSION}`, `playwright-core@${PLAYWRIGHT_VERSION}`], {
      cwd: paths.tools,
      env: withoutNpmRunEnv(process.env),
      timeoutMs: INSTALL_TIMEOUT_MS,
    });
  }

  if (codeServerMissing) {
    log(`installing code-server@${CODE_SERVER_VERSION} into ${paths.codeServer} (builds native modules, ~90 s)`);
    npmProject(paths.codeServer, 'formation-code-server');
    const env = {
      ...withoutNpmRunEnv(process.env),
      PATH: [dirname(paths.node), process.env.PATH].join(delimiter),
      npm_config_nodedir: nodeHeadersDir(paths),
      NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt',
    };
    await runBounded('npm', ['install', ...npmOptions, '--foreground-scripts', `code-server@${CODE_SERVER_VERSION}`], {
      cwd: paths.codeServer,
      env,
      timeoutMs: INSTALL_TIMEOUT_MS,
    });
    if (!existsSync(paths.entry)) throw new Error(`code-server installed but ${paths.entry} is missing`);
  }

  const missing = [paths.node, paths.playwright, paths.entry, ...(browser ? [paths.chromium] : [])].filter((path) => !existsSync(path));
  if (missing.length > 0) throw new Error(`test tools still missing: ${missing.join(', ')}`);
  if (apt.length > 0 || codeServerMissing) log(`ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return paths;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureTestTools().then(
    (paths) => console.log(JSON.stringify(paths, null, 2)),
    (error) => {
      console.error(error.message);
      process.exitCode = 1;
    },
  );
}
