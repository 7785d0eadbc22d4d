/**
 * Debugging one instance: which runtime a process type's command starts, how its next run is changed
 * so a debugger can attach (the "debug launch"), and how the Node.js inspectors of that run are found.
 * Pure rules plus two small loopback probes; no `vscode`. See docs/decisions.md (entry 13).
 */
import { readFile } from 'node:fs/promises';
import * as http from 'node:http';
import * as net from 'node:net';
import { basename } from 'node:path';

/** What a run starts: the shell command and its complete environment. */
export interface RunSpec {
  command: string;
  env: Record<string, string>;
}

/** Changes one instance's runs while it is debugged (applied at every spawn, restarts included). */
export type DebugLaunch = (run: RunSpec) => RunSpec;

/** A `procfile.debugRecipes` entry: a preset name, or the fields of a recipe (a preset's fields may be overridden). */
export type DebugRecipeSetting = string | DebugRecipeFields;

/** The fields of a debug recipe. In `command`, `env` values and `attach`, `${port}` is the debugger's
 * loopback port and (in `command`) `${command}` is the Procfile command. */
export interface DebugRecipeFields {
  /** `node`, `debugpy` or `rdbg`: start from that built-in recipe. */
  preset?: string;
  /** The command to run instead of the Procfile's, e.g. `rdbg --open --port ${port} -c -- ${command}`. */
  command?: string;
  /** Variables added to the instance's environment, e.g. `{ "RUBY_DEBUG_PORT": "${port}" }`. */
  env?: Record<string, string>;
  /** The debug configuration that attaches once the port accepts connections (`type`, `request`, …). */
  attach?: Record<string, unknown>;
  /** The VS Code extension that provides `attach.type`, e.g. `ms-python.debugpy`. */
  extension?: string;
  /** That extension's display name, for the message that asks to install it. */
  extensionName?: string;
}

/** How one process type is debugged. */
export type DebugPlan =
  | { kind: 'node'; launch: DebugLaunch }
  | {
      kind: 'recipe';
      /** The preset or `custom`. */
      recipe: string;
      /** The loopback port the debugger listens on (chosen free when the plan was made). */
      port: number;
      launch: DebugLaunch;
      /** The attach configuration, `${port}` substituted. */
      attach: Record<string, unknown>;
      extension: string | undefined;
      extensionName: string | undefined;
    };

/** A plan, or why the type cannot be debugged (a sentence for the user). */
export type DebugPlanResult = { ok: true; plan: DebugPlan } | { ok: false; reason: string };

/** The inspector flag appended to `NODE_OPTIONS`: loopback only; port 0 = each Node process picks a free port. */
export const NODE_INSPECT_FLAG = '--inspect=127.0.0.1:0';

/**
 * Words that start Node.js (after `VAR=value` assignments and `exec`): the runtime, package managers
 * and runners, and any script in `node_modules/.bin`. With `--inspect` in `NODE_OPTIONS` every Node
 * process they start opens its own inspector.
 */
const NODE_WORDS = new Set([
  'node', 'nodejs', 'npm', 'npx', 'yarn', 'yarnpkg', 'pnpm', 'pnpx', 'corepack', 'tsx', 'ts-node', 'ts-node-dev', 'nodemon',
  'next', 'nuxt', 'nuxi', 'vite', 'webpack', 'webpack-dev-server', 'nest', 'remix', 'astro', 'node-dev', 'pm2-runtime', 'forever',
]);

/** The first word a command runs, skipping `cd DIR &&` (or `;`) prefixes, `VAR=value` assignments,
 * `exec` and `env`; undefined for an empty command. */
export function leadingWord(command: string): string | undefined {
  const words = command.trim().replace(/^(\s*cd\s+\S+\s*(&&|;)\s*)+/, '').split(/\s+/);
  let i = 0;
  while (i < words.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]) || words[i] === 'exec' || words[i] === 'env')) i++;
  const word = words[i];
  return word === undefined || word === '' ? undefined : word.replace(/^["']|["']$/g, '');
}

/** True when a command starts Node.js (see NODE_WORDS), e.g. `npm start`, `node app.js`, `npx nodemon`. */
export function isNodeCommand(command: string): boolean {
  const word = leadingWord(command);
  if (word === undefined) return false;
  return NODE_WORDS.has(basename(word)) || /(^|\/)node_modules\/\.bin\//.test(word);
}

/** The debug launch of a Node.js instance: `--inspect=127.0.0.1:0` appended to NODE_OPTIONS (the last
 * `--inspect` in NODE_OPTIONS wins over a user's own there; an `--inspect` on the command line itself
 * wins over NODE_OPTIONS — the adapter warns when such an inspector listens beyond loopback). */
export const nodeInspectorLaunch: DebugLaunch = (run) => {
  const options = run.env.NODE_OPTIONS?.trim();
  return { command: run.command, env: { ...run.env, NODE_OPTIONS: options ? `${options} ${NODE_INSPECT_FLAG}` : NODE_INSPECT_FLAG } };
};

/** Python modules that `python -m` can run in place of their console script (for the debugpy preset). */
const PYTHON_MODULES = new Set(['gunicorn', 'celery', 'flask', 'uvicorn', 'daphne', 'hypercorn', 'rq', 'dramatiq', 'huey_consumer']);

/**
 * The debugpy preset's command: `python … ` becomes `python -m debugpy --listen 127.0.0.1:${port} …`;
 * a known console script (`gunicorn app:app`) becomes `python3 -m debugpy --listen … -m gunicorn app:app`.
 * @returns undefined when the command is neither (the recipe needs its own `command`).
 */
export function debugpyCommand(command: string): string | undefined {
  const match = /^(\s*(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*(?:exec\s+)?)(\S+)(.*)$/s.exec(command);
  if (!match) return undefined;
  const [, prefix, word, rest] = match;
  const listen = '-m debugpy --listen 127.0.0.1:${port}';
  if (/^(.*\/)?python(\d+(\.\d+)?)?$/.test(word)) return `${prefix}${word} ${listen}${rest}`;
  if (PYTHON_MODULES.has(basename(word))) return `${prefix}python3 ${listen} -m ${basename(word)}${rest}`;
  return undefined;
}

/** Built-in recipes. `command` may be a function of the Procfile command (undefined: cannot apply). */
const PRESETS: Record<string, { command?: (command: string) => string | undefined; env?: Record<string, string>; attach: Record<string, unknown>; extension: string; extensionName: string }> = {
  debugpy: {
    command: debugpyCommand,
    attach: { type: 'debugpy', request: 'attach', connect: { host: '127.0.0.1', port: '${port}' }, justMyCode: true },
    extension: 'ms-python.debugpy',
    extensionName: 'Python Debugger',
  },
  rdbg: {
    command: (command) => `rdbg --open --nonstop --host 127.0.0.1 --port \${port} -c -- ${command.trim().replace(/^exec\s+/, '')}`,
    attach: { type: 'rdbg', request: 'attach', debugPort: '127.0.0.1:${port}' },
    extension: 'KoichiSasada.vscode-rdbg',
    extensionName: 'VSCode rdbg Ruby Debugger',
  },
};

/** Names `procfile.debugRecipes` accepts as a preset. */
export const RECIPE_PRESETS = ['node', ...Object.keys(PRESETS)];

/** Replaces `${port}` (and `${command}` where given) in strings, deeply in objects and arrays.
 * A value that is exactly `${port}` becomes the number. */
export function substitute<T>(value: T, port: number, command?: string): T {
  if (typeof value === 'string') {
    if (value === '${port}') return port as T;
    let text = value.replaceAll('${port}', String(port));
    if (command !== undefined) text = text.replaceAll('${command}', () => command); // a function: no $$ or $& patterns in a command
    return text as T;
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, port, command)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, port, command)])) as T;
  }
  return value;
}

/** Like {@link substitute} but always a string (env values, commands). */
function substituteText(text: string, port: number, command?: string): string {
  return String(substitute(text, port, command));
}

/**
 * How to debug a process type: its `procfile.debugRecipes` entry if any (a preset name or fields),
 * else Node.js when the command starts Node, else a reason. `port` is the free loopback port a recipe's
 * debugger listens on (ignored for Node, whose processes pick their own).
 *
 * Rules: a recipe needs an `attach` configuration (from its preset or its own) and a way to open the
 * debugger (`command` or `env`); `"node"` forces the Node.js mechanism for commands we do not recognise.
 */
export function planDebug(type: string, command: string, recipes: Record<string, DebugRecipeSetting | undefined>, port: number): DebugPlanResult {
  const setting = recipes[type];
  if (setting === undefined || setting === null) {
    if (isNodeCommand(command)) return { ok: true, plan: { kind: 'node', launch: nodeInspectorLaunch } };
    const word = leadingWord(command);
    return {
      ok: false,
      reason: `${type} cannot be debugged: \`${word ?? command}\` does not start Node.js, and procfile.debugRecipes has no recipe for ${type} (presets: ${RECIPE_PRESETS.join(', ')}; if it does start Node.js, set "procfile.debugRecipes": { "${type}": "node" }).`,
    };
  }
  const fields: DebugRecipeFields = typeof setting === 'string' ? { preset: setting } : typeof setting === 'object' ? setting : {};
  if (typeof setting !== 'string' && (typeof setting !== 'object' || Array.isArray(setting))) {
    return { ok: false, reason: `procfile.debugRecipes.${type} must be a preset name (${RECIPE_PRESETS.join(', ')}) or an object.` };
  }
  if (fields.preset === 'node') return { ok: true, plan: { kind: 'node', launch: nodeInspectorLaunch } };
  const preset = fields.preset === undefined ? undefined : PRESETS[fields.preset];
  if (fields.preset !== undefined && !preset) {
    return { ok: false, reason: `procfile.debugRecipes.${type}: unknown preset "${fields.preset}" (presets: ${RECIPE_PRESETS.join(', ')}).` };
  }
  let template: string | undefined;
  if (fields.command !== undefined) template = fields.command;
  else if (preset?.command) {
    template = preset.command(command);
    if (template === undefined) {
      return { ok: false, reason: `${type} cannot be debugged with the ${fields.preset} preset: \`${leadingWord(command) ?? command}\` is not a Python command it knows; give the recipe a "command".` };
    }
  }
  const env = { ...(preset?.env ?? {}), ...(fields.env ?? {}) };
  const attach = fields.attach ?? preset?.attach;
  if (!attach || typeof attach !== 'object' || typeof attach.type !== 'string') {
    return { ok: false, reason: `procfile.debugRecipes.${type} needs an "attach" debug configuration with a "type".` };
  }
  if (template === undefined && Object.keys(env).length === 0) {
    return { ok: false, reason: `procfile.debugRecipes.${type} needs a "command" or "env" that makes the process listen for a debugger on \${port}.` };
  }
  const launch: DebugLaunch = (run) => ({
    command: template === undefined ? run.command : substituteText(template, port, run.command),
    env: { ...run.env, ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, substituteText(String(v), port)])) },
  });
  return {
    ok: true,
    plan: {
      kind: 'recipe',
      recipe: fields.preset ?? 'custom',
      port,
      launch,
      attach: { request: 'attach', ...substitute(attach, port) },
      extension: fields.extension ?? preset?.extension,
      extensionName: fields.extensionName ?? preset?.extensionName,
    },
  };
}

/** An inspector a Node.js process opened, from its `Debugger listening on ws://…` line. */
export interface InspectorAddress {
  /** `ws://127.0.0.1:PORT/UUID`. */
  websocketUrl: string;
  host: string;
  port: number;
}

/** Node's announcement of an inspector (printed on stderr by every process started with `--inspect`). */
const LISTENING = /Debugger listening on (ws:\/\/(\[[^\]]+\]|[^:/\s]+):(\d+)\/[\w-]+)/;

/** The inspector a line of output announces, if any. */
export function parseInspectorLine(line: string): InspectorAddress | undefined {
  const match = LISTENING.exec(line);
  if (!match) return undefined;
  return { websocketUrl: match[1], host: match[2], port: Number(match[3]) };
}

/**
 * Scripts that only launch the app (package managers, watchers, runners): attaching to them does not
 * reach the app, whose own inspector is announced separately. Matched against the `url` an inspector
 * reports for its main script (`file:///…/npm/bin/npm-cli.js`).
 */
const LAUNCHER_SCRIPTS = [
  /\/npm\/bin\/np[mx]-cli\.js$/,
  /\/(yarn|yarnpkg)\/(bin\/yarn(\.js)?|lib\/cli\.js)$/,
  /\/\.yarn\/releases\/yarn-[^/]+\.c?js$/,
  /\/pnpm\/(bin\/pnpm\.cjs|dist\/pnpm\.cjs)$/,
  /\/corepack\/(dist\/corepack\.js|dist\/[^/]+\.js)$/,
  /\/nodemon\/bin\/nodemon\.js$/,
  /\/tsx\/dist\/cli\.m?js$/,
  /\/ts-node-dev\/lib\/bin\.js$/,
  /\/concurrently\/dist\/bin\/concurrently\.js$/,
];

/** True when an inspector target's script URL is a launcher (npm, npx, yarn, pnpm, corepack, nodemon, tsx). */
export function isLauncherScript(url: string): boolean {
  const path = decodeURIComponent(url.replace(/^file:\/\//, ''));
  return LAUNCHER_SCRIPTS.some((pattern) => pattern.test(path));
}

/** One entry of an inspector's `/json/list`. */
export interface InspectorTarget {
  /** The main script, `file:///…`. */
  url: string;
  title: string;
  webSocketDebuggerUrl: string;
}

/**
 * Asks an inspector which script it runs: `GET http://127.0.0.1:PORT/json/list` (Node's inspector
 * HTTP endpoint) on `host` (default 127.0.0.1; `[::1]` as announced works too).
 * @throws Error when it does not answer within `timeoutMs` (ms) or answers something else
 */
export function listInspectorTargets(port: number, timeoutMs = 2000, host = '127.0.0.1'): Promise<InspectorTarget[]> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: host.replace(/^\[(.*)\]$/, '$1'), port, path: '/json/list', agent: false, timeout: timeoutMs }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => {
        try {
          const parsed = JSON.parse(body) as unknown;
          if (!Array.isArray(parsed)) throw new Error('not a list');
          resolve(parsed as InspectorTarget[]);
        } catch (error) {
          reject(new Error(`inspector on port ${port} answered something else: ${(error as Error).message}`));
        }
      });
    });
    request.on('timeout', () => request.destroy(new Error(`inspector on port ${port} did not answer within ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}

/** A free TCP port on 127.0.0.1 right now (the OS picks it; another process could take it before use). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * True when a socket listens on `port` of the loopback or any address, read from /proc/net/tcp and
 * /proc/net/tcp6 (state 0A = LISTEN) without connecting: a debugger such as debugpy treats a probing
 * connection as a client. Where /proc/net is missing, falls back to a TCP connect to 127.0.0.1.
 */
export async function isListening(port: number): Promise<boolean> {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  let tables: string[];
  try {
    tables = await Promise.all(['/proc/net/tcp', '/proc/net/tcp6'].map((file) => readFile(file, 'latin1').catch(() => '')));
  } catch {
    tables = [];
  }
  if (tables.some((t) => t !== '')) {
    return tables.some((table) => table.split('\n').some((row) => {
      const fields = row.trim().split(/\s+/);
      return fields[3] === '0A' && fields[1]?.endsWith(`:${hex}`);
    }));
  }
  return new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(500);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}

/**
 * Waits until a debugger listens on `port` ({@link isListening}), checking every 100 ms. Resolves true
 * when it does, false after `timeoutMs` (ms) or as soon as `cancelled()` is true.
 */
export async function waitForListening(port: number, timeoutMs: number, cancelled: () => boolean = () => false): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !cancelled()) {
    if (await isListening(port)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}
