/**
 * Opens the extension in a real VS Code: starts code-server (installed on first use into
 * `.vscode-test/`, see scripts/test-tools.mjs) on 127.0.0.1 with this folder as the extension under
 * development and a workspace folder (default `examples/`), then prints the URL to open in a
 * browser. Ctrl-C stops code-server (its whole process group) and, through the extension's
 * deactivation, every process of the formation.
 *
 *   npm start                          # examples/, port 8123
 *   node scripts/open-in-vscode.mjs path/to/app --port 8200
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTestTools } from './test-tools.mjs';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const args = process.argv.slice(2);
const portIndex = args.indexOf('--port');
const port = portIndex >= 0 ? Number(args.splice(portIndex, 2)[1]) : Number(process.env.FORMATION_DEMO_PORT ?? 8123);
const workspace = resolve(args[0] ?? join(root, 'examples'));

const tools = await ensureTestTools(undefined, { browser: false });
const home = join(root, '.vscode-test', 'demo');
mkdirSync(join(home, 'data', 'User'), { recursive: true });
writeFileSync(
  join(home, 'data', 'User', 'settings.json'),
  JSON.stringify({ 'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': false, 'chat.disableAIFeatures': true, 'git.openRepositoryInParentFolders': 'never' }, null, 2),
);
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VSCODE_') && key !== 'ELECTRON_RUN_AS_NODE'));
const server = spawn(
  tools.node,
  [tools.entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--user-data-dir', join(home, 'data'), '--extensions-dir', join(home, 'extensions'),
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened',
    // A built workbench only honours the URL payload (extensionDevelopmentPath) with this option.
    '--vscode-option', 'enable-smoke-test-driver', workspace],
  { env: { ...env, EXTENSIONS_GALLERY: '{}' }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
);
const stop = () => {
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, stop);
let printed = false;
let early = '';
const watch = (chunk) => {
  if (!printed) early += String(chunk);
  if (printed || !/HTTP server listening/.test(String(chunk))) return;
  printed = true;
  const payload = JSON.stringify([['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${root}`]]);
  console.log(`\nProcfile Formation is loaded in VS Code (code-server) on ${workspace}. Open:\n\n  http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}\n\nPress Ctrl-C to stop.`);
};
server.stdout.on('data', watch);
server.stderr.on('data', watch);
server.on('exit', (code) => {
  if (!printed) {
    // code-server stopped before listening (most often: the port is taken): say why.
    const inUse = /EADDRINUSE/.test(early);
    console.error(inUse ? `Port ${port} is in use: try --port ${port + 1}.` : `code-server stopped before it was ready:\n${early.trim()}`);
  }
  process.exit(code ?? 0);
});
