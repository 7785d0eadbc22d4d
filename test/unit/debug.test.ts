import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  debugpyCommand,
  freeLoopbackPort,
  isLauncherScript,
  isListening,
  isNodeCommand,
  leadingWord,
  listInspectorTargets,
  NODE_INSPECT_FLAG,
  nodeInspectorLaunch,
  parseInspectorLine,
  planDebug,
  type DebugPlan,
  type RunSpec,
  waitForListening,
} from '../../src/core/debug';

/** The plan of a successful planDebug, or a failure naming the reason. */
function planOf(result: ReturnType<typeof planDebug>): DebugPlan {
  if (!result.ok) assert.fail(`expected a plan, got: ${result.reason}`);
  return result.plan;
}

/** The reason of a failed planDebug. */
function reasonOf(result: ReturnType<typeof planDebug>): string {
  if (result.ok) assert.fail(`expected no plan, got a ${result.plan.kind} plan`);
  return result.reason;
}

/** A server listening on 127.0.0.1 at a free port. */
async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as net.AddressInfo).port;
}

const close = (server: net.Server) => new Promise<void>((resolve) => server.close(() => resolve()));

const run: RunSpec = { command: 'npm start', env: { PATH: '/usr/bin', PORT: '5000', PS: 'web.1' } };

describe('debugging: which runtime a command starts', () => {
  for (const command of [
    'node app.js',
    'npm start',
    'npm run dev',
    'yarn dev',
    'npx nodemon server.js',
    'tsx watch src/index.ts',
    'ts-node app.ts',
    'PORT=1 NODE_ENV=x exec node a.js',
    './node_modules/.bin/vite',
    '/usr/bin/node a.js',
    'cd api && node server.js',
    'cd web; cd app && npm start',
  ]) {
    it(`\`${command}\` starts Node.js`, () => assert.equal(isNodeCommand(command), true));
  }

  for (const command of ['bundle exec puma', 'python app.py', 'echo hi; exit 3', '', '   ']) {
    it(`\`${command}\` does not start Node.js`, () => assert.equal(isNodeCommand(command), false));
  }

  it('the leading word skips assignments, exec and env', () => {
    assert.equal(leadingWord('PORT=1 NODE_ENV=x exec node a.js'), 'node');
    assert.equal(leadingWord('env FOO=1 npm start'), 'npm');
    assert.equal(leadingWord('  bundle exec puma'), 'bundle');
    assert.equal(leadingWord('./node_modules/.bin/vite'), './node_modules/.bin/vite');
    assert.equal(leadingWord(''), undefined);
    assert.equal(leadingWord('FOO=1'), undefined);
  });
});

describe('debugging: the Node.js inspector launch', () => {
  it('sets NODE_OPTIONS to the loopback inspector flag when there is none', () => {
    assert.equal(NODE_INSPECT_FLAG, '--inspect=127.0.0.1:0');
    const launched = nodeInspectorLaunch(run);
    assert.deepEqual(launched, { command: 'npm start', env: { PATH: '/usr/bin', PORT: '5000', PS: 'web.1', NODE_OPTIONS: '--inspect=127.0.0.1:0' } });
  });

  it("appends the flag after the user's own NODE_OPTIONS, so loopback wins over a user's --inspect", () => {
    const input: RunSpec = { command: 'node app.js', env: { PORT: '5000', NODE_OPTIONS: '--max-old-space-size=512 --inspect=0.0.0.0:9229' } };
    const launched = nodeInspectorLaunch(input);
    assert.equal(launched.env.NODE_OPTIONS, '--max-old-space-size=512 --inspect=0.0.0.0:9229 --inspect=127.0.0.1:0');
    assert.equal(launched.command, 'node app.js');
    assert.equal(launched.env.PORT, '5000');
    assert.deepEqual(input, { command: 'node app.js', env: { PORT: '5000', NODE_OPTIONS: '--max-old-space-size=512 --inspect=0.0.0.0:9229' } }, 'the input is not changed');
  });

  it('treats blank NODE_OPTIONS as absent', () => {
    assert.equal(nodeInspectorLaunch({ command: 'node a.js', env: { NODE_OPTIONS: '  ' } }).env.NODE_OPTIONS, '--inspect=127.0.0.1:0');
  });
});

describe('debugging: the debugpy command', () => {
  it('runs python under debugpy, listening on loopback', () => {
    assert.equal(debugpyCommand('python app.py'), 'python -m debugpy --listen 127.0.0.1:${port} app.py');
    assert.equal(debugpyCommand('python3 manage.py runserver'), 'python3 -m debugpy --listen 127.0.0.1:${port} manage.py runserver');
    assert.equal(debugpyCommand('/usr/bin/python3.12 app.py'), '/usr/bin/python3.12 -m debugpy --listen 127.0.0.1:${port} app.py');
  });

  it('keeps VAR=value assignments before python', () => {
    assert.equal(debugpyCommand('FOO=1 python3 x.py'), 'FOO=1 python3 -m debugpy --listen 127.0.0.1:${port} x.py');
  });

  it('runs a known console script as a module', () => {
    assert.equal(debugpyCommand('gunicorn app:app -b 0.0.0.0:$PORT'), 'python3 -m debugpy --listen 127.0.0.1:${port} -m gunicorn app:app -b 0.0.0.0:$PORT');
  });

  it('gives nothing for other commands', () => {
    assert.equal(debugpyCommand('bundle exec puma'), undefined);
    assert.equal(debugpyCommand('node app.js'), undefined);
  });
});

describe('debugging: the plan for a process type', () => {
  const env = { PATH: '/usr/bin', PORT: '5000', PS: 'web.1' };

  it('debugs a Node.js command with the inspector, no recipe needed', () => {
    const plan = planOf(planDebug('web', 'npm run dev', {}, 4000));
    assert.equal(plan.kind, 'node');
    assert.equal(plan.launch({ command: 'npm run dev', env }).env.NODE_OPTIONS, '--inspect=127.0.0.1:0');
  });

  it('explains why another command cannot be debugged without a recipe', () => {
    const reason = reasonOf(planDebug('web', 'bundle exec puma', {}, 4000));
    assert.match(reason, /\bweb\b/);
    assert.match(reason, /procfile\.debugRecipes/);
    assert.match(reason, /bundle/);
  });

  it('"node" forces the inspector for a command it does not recognise', () => {
    const plan = planOf(planDebug('web', 'bin/server', { web: 'node' }, 4000));
    assert.equal(plan.kind, 'node');
    assert.deepEqual(plan.launch({ command: 'bin/server', env }), { command: 'bin/server', env: { ...env, NODE_OPTIONS: '--inspect=127.0.0.1:0' } });
    assert.equal(planOf(planDebug('web', 'bin/server', { web: { preset: 'node' } }, 4000)).kind, 'node');
  });

  it('a recipe only applies to its own type', () => {
    assert.equal(planDebug('worker', 'bundle exec sidekiq', { web: 'rdbg' }, 4000).ok, false);
  });

  it('the debugpy preset runs python under debugpy on the given port and attaches to it', () => {
    const plan = planOf(planDebug('web', 'python app.py', { web: 'debugpy' }, 45678));
    assert.equal(plan.kind, 'recipe');
    if (plan.kind !== 'recipe') return;
    assert.equal(plan.recipe, 'debugpy');
    assert.equal(plan.port, 45678);
    assert.deepEqual(plan.launch({ command: 'python app.py', env }), { command: 'python -m debugpy --listen 127.0.0.1:45678 app.py', env });
    assert.equal(plan.attach.type, 'debugpy');
    assert.equal(plan.attach.request, 'attach');
    assert.deepEqual(plan.attach.connect, { host: '127.0.0.1', port: 45678 });
    assert.equal(plan.extension, 'ms-python.debugpy');
    assert.ok(plan.extensionName);
  });

  it('the debugpy preset refuses a command that is not Python', () => {
    const reason = reasonOf(planDebug('web', 'bundle exec puma', { web: 'debugpy' }, 4000));
    assert.match(reason, /debugpy/);
    assert.match(reason, /command/);
  });

  it('the rdbg preset wraps the command in rdbg on the given port', () => {
    const plan = planOf(planDebug('web', 'bundle exec puma', { web: 'rdbg' }, 45679));
    assert.equal(plan.kind, 'recipe');
    if (plan.kind !== 'recipe') return;
    assert.equal(plan.recipe, 'rdbg');
    assert.deepEqual(plan.launch({ command: 'bundle exec puma', env }), { command: 'rdbg --open --nonstop --host 127.0.0.1 --port 45679 -c -- bundle exec puma', env });
    assert.equal(plan.attach.type, 'rdbg');
    assert.equal(plan.attach.request, 'attach');
    assert.equal(plan.extension, 'KoichiSasada.vscode-rdbg');
    const withExec = planOf(planDebug('web', 'exec bundle exec puma', { web: 'rdbg' }, 45679));
    assert.equal(withExec.launch({ command: 'exec bundle exec puma', env }).command, 'rdbg --open --nonstop --host 127.0.0.1 --port 45679 -c -- bundle exec puma');
  });

  it('a custom recipe with env puts the port in the environment and the attach configuration', () => {
    const plan = planOf(
      planDebug(
        'web',
        'bundle exec puma',
        { web: { env: { RUBY_DEBUG_OPEN: 'true', RUBY_DEBUG_PORT: '${port}' }, attach: { type: 'rdbg', debugPort: '${port}', host: '127.0.0.1:${port}' }, extension: 'KoichiSasada.vscode-rdbg' } },
        45680,
      ),
    );
    assert.equal(plan.kind, 'recipe');
    if (plan.kind !== 'recipe') return;
    assert.equal(plan.recipe, 'custom');
    const launched = plan.launch({ command: 'bundle exec puma', env });
    assert.equal(launched.command, 'bundle exec puma');
    assert.deepEqual(launched.env, { ...env, RUBY_DEBUG_OPEN: 'true', RUBY_DEBUG_PORT: '45680' });
    assert.equal(typeof launched.env.RUBY_DEBUG_PORT, 'string');
    assert.equal(launched.env.PORT, '5000', 'the app keeps its own PORT');
    assert.deepEqual(plan.attach, { request: 'attach', type: 'rdbg', debugPort: 45680, host: '127.0.0.1:45680' });
    assert.equal(plan.extension, 'KoichiSasada.vscode-rdbg');
  });

  it('a custom command gets the Procfile command and the port', () => {
    const plan = planOf(planDebug('web', 'bundle exec puma', { web: { command: 'rdbg --open --port ${port} -c -- ${command}', attach: { type: 'rdbg' } } }, 45681));
    assert.equal(plan.launch({ command: 'bundle exec puma', env }).command, 'rdbg --open --port 45681 -c -- bundle exec puma');
  });

  it('a custom command keeps shell dollar sequences of the Procfile command intact', () => {
    // Was a bug: `$$` in the Procfile command was read as a replacement pattern.
    // `$$` (the shell's PID), `$&`, `$'` and `` $` `` in the Procfile command are read as replacement
    // patterns: `echo $$ > tmp/web.pid; exec puma` becomes `echo $ > tmp/web.pid; exec puma`.
    const command = 'echo $$ > tmp/web.pid; exec puma';
    const plan = planOf(planDebug('web', command, { web: { command: 'rdbg -c -- ${command}', attach: { type: 'rdbg' } } }, 45682));
    assert.equal(plan.launch({ command, env }).command, `rdbg -c -- ${command}`);
  });

  it('rejects an unknown preset, naming it', () => {
    assert.match(reasonOf(planDebug('web', 'bundle exec puma', { web: 'gdb' }, 4000)), /unknown preset "gdb"/);
    assert.match(reasonOf(planDebug('web', 'bundle exec puma', { web: { preset: 'gdb' } }, 4000)), /unknown preset "gdb"/);
  });

  it('rejects a recipe without an attach configuration', () => {
    assert.match(reasonOf(planDebug('web', 'bundle exec puma', { web: { command: 'rdbg -c -- ${command}' } }, 4000)), /"attach"/);
    assert.match(reasonOf(planDebug('web', 'bundle exec puma', { web: { command: 'x', attach: { request: 'attach' } } }, 4000)), /"type"/);
  });

  it('rejects a recipe that does not open a debugger (no command, no env)', () => {
    assert.match(reasonOf(planDebug('web', 'bundle exec puma', { web: { attach: { type: 'rdbg' } } }, 4000)), /"command" or "env"/);
  });

  it('rejects a recipe that is neither a preset name nor an object', () => {
    for (const setting of [42, true, ['rdbg']]) {
      const reason = reasonOf(planDebug('web', 'bundle exec puma', { web: setting as never }, 4000));
      assert.match(reason, /procfile\.debugRecipes\.web must be a preset name/);
    }
  });
});

describe('debugging: Node.js inspector announcements and targets', () => {
  const uuid = '0f2c9a7e-3b1d-4c8e-9f5a-6d7e8b9c0a1b';

  it('reads the inspector address from its "Debugger listening" line', () => {
    assert.deepEqual(parseInspectorLine(`Debugger listening on ws://127.0.0.1:34567/${uuid}`), {
      websocketUrl: `ws://127.0.0.1:34567/${uuid}`,
      host: '127.0.0.1',
      port: 34567,
    });
  });

  it('ignores other lines', () => {
    assert.equal(parseInspectorLine('For help, see: https://nodejs.org/en/docs/inspector'), undefined);
    assert.equal(parseInspectorLine('Debugger attached.'), undefined);
    assert.equal(parseInspectorLine('listening on http://127.0.0.1:5000'), undefined);
    assert.equal(parseInspectorLine(''), undefined);
  });

  it('reads an IPv6 inspector address', () => {
    const address = parseInspectorLine(`Debugger listening on ws://[::1]:9229/${uuid}`);
    assert.equal(address?.port, 9229);
    assert.equal(address?.websocketUrl, `ws://[::1]:9229/${uuid}`);
    assert.match(address?.host ?? '', /::1/);
  });

  for (const url of [
    'file:///usr/lib/node_modules/npm/bin/npm-cli.js',
    'file:///usr/lib/node_modules/npm/bin/npx-cli.js',
    'file:///app/node_modules/nodemon/bin/nodemon.js',
    'file:///app/node_modules/tsx/dist/cli.mjs',
    'file:///usr/lib/node_modules/yarn/bin/yarn.js',
    'file:///app/.yarn/releases/yarn-4.1.0.cjs',
    'file:///home/me/my%20app/node_modules/npm/bin/npm-cli.js',
  ]) {
    it(`${url} is a launcher`, () => assert.equal(isLauncherScript(url), true));
  }

  for (const url of ['file:///app/server.js', 'file:///app/node_modules/next/dist/server/lib/start-server.js', 'file:///app/npm-cli.js']) {
    it(`${url} is not a launcher`, () => assert.equal(isLauncherScript(url), false));
  }

  it("lists a real Node.js process's inspector target: its script and WebSocket URL", async function () {
    this.timeout(10_000);
    const dir = mkdtempSync(join(tmpdir(), 'formation-debug-'));
    const script = join(dir, 'app.js');
    writeFileSync(script, 'setInterval(() => {}, 1000);\n');
    const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', script], { detached: true, stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH ?? '' } });
    try {
      const address = await new Promise<NonNullable<ReturnType<typeof parseInspectorLine>>>((resolve, reject) => {
        let stderr = '';
        const timer = setTimeout(() => reject(new Error(`no inspector announced: ${stderr}`)), 5000);
        child.once('exit', (code) => reject(new Error(`node exited with ${code}: ${stderr}`)));
        child.stderr?.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          const found = stderr.split('\n').map(parseInspectorLine).find((a) => a !== undefined);
          if (found) {
            clearTimeout(timer);
            resolve(found);
          }
        });
      });
      assert.equal(address.host, '127.0.0.1');
      const targets = await listInspectorTargets(address.port);
      assert.equal(targets.length, 1);
      assert.equal(targets[0].url, pathToFileURL(script).href);
      assert.equal(targets[0].webSocketDebuggerUrl, address.websocketUrl);
      assert.equal(isLauncherScript(targets[0].url), false);
    } finally {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects when no inspector listens on the port', async () => {
    const port = await freeLoopbackPort();
    await assert.rejects(listInspectorTargets(port, 1000));
  });

  it('rejects when the port answers something other than a target list', async () => {
    const server = http.createServer((_request, response) => response.end('<html>not an inspector</html>'));
    const port = await listen(server);
    try {
      await assert.rejects(listInspectorTargets(port, 1000), /answered something else/);
    } finally {
      server.closeAllConnections();
      await close(server);
    }
  });

  it('rejects when the port does not answer within the timeout', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((socket) => sockets.push(socket));
    const port = await listen(server);
    try {
      const started = Date.now();
      await assert.rejects(listInspectorTargets(port, 200), /did not answer within 200 ms/);
      assert.ok(Date.now() - started < 1500);
    } finally {
      for (const socket of sockets) socket.destroy();
      await close(server);
    }
  });
});

describe('debugging: loopback ports', () => {
  it('finds a free loopback port that can be listened on', async () => {
    const port = await freeLoopbackPort();
    assert.ok(Number.isInteger(port) && port > 0 && port < 65536);
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    await close(server);
  });

  it('sees a port once a server listens on it, and not before or after', async () => {
    const server = net.createServer();
    const port = await listen(server);
    try {
      assert.equal(await isListening(port), true);
      assert.equal(await waitForListening(port, 1000), true);
    } finally {
      await close(server);
    }
    assert.equal(await isListening(port), false);
  });

  it('waits for a server that starts listening later', async () => {
    const port = await freeLoopbackPort();
    const server = net.createServer();
    const timer = setTimeout(() => server.listen(port, '127.0.0.1'), 250);
    try {
      assert.equal(await waitForListening(port, 3000), true);
    } finally {
      clearTimeout(timer);
      if (server.listening) await close(server);
    }
  });

  it('gives up on a port nobody listens on, after the timeout', async () => {
    const port = await freeLoopbackPort();
    const started = Date.now();
    assert.equal(await waitForListening(port, 300), false);
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 250 && elapsed < 800, `took ${elapsed} ms`);
  });

  it('stops waiting as soon as it is cancelled', async () => {
    const port = await freeLoopbackPort();
    let started = Date.now();
    assert.equal(await waitForListening(port, 10_000, () => true), false);
    assert.ok(Date.now() - started < 100, `took ${Date.now() - started} ms`);
    let cancelled = false;
    setTimeout(() => (cancelled = true), 150);
    started = Date.now();
    assert.equal(await waitForListening(port, 10_000, () => cancelled), false);
    assert.ok(Date.now() - started < 600, `took ${Date.now() - started} ms`);
  });
});
