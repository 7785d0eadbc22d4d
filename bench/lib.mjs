// Shared helpers: the tools under test, launching them with a run marker, stopping them by PID,
// and finding what they left behind (by the marker in /proc/*/environ, never by name).
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH = fileURLToPath(new URL('.', import.meta.url));
const CLI = join(BENCH, '..', 'dist', 'cli.js');
const NF = join(BENCH, '.peers', 'node_modules', '.bin', 'nf');
const RELAY = join(BENCH, 'minimal-relay.mjs');

const opt = (flag, value) => (value === undefined ? [] : [flag, String(value)]);

/** The tools, each with how to start it (`procfile`, `dir`, `counts` like `web=50`, `timeout` in s). */
export const TOOLS = [
  {
    name: 'formation', bin: process.execPath, counts: true, timeout: true, stopSignal: 'SIGTERM',
    version: () => JSON.parse(readFileSync(join(BENCH, '..', 'package.json'), 'utf8')).version,
    available: () => existsSync(CLI),
    args: ({ procfile, dir, counts, timeout }) =>
      [CLI, 'start', '-f', procfile, '-d', dir, '--no-timestamp', '--no-color', ...opt('-m', counts), ...opt('-t', timeout)],
  },
  {
    name: 'foreman', bin: 'foreman', counts: true, timeout: true, stopSignal: 'SIGTERM',
    version: () => spawnSync('foreman', ['version'], { encoding: 'utf8' }).stdout.trim(),
    available: () => spawnSync('foreman', ['version']).status === 0,
    args: ({ procfile, dir, counts, timeout }) =>
      ['start', '-f', procfile, '-d', dir, '--no-timestamp', '--no-color', ...opt('-m', counts), ...opt('-t', timeout)],
  },
  {
    // node-foreman: counts are positional (`web=50`), no stop timeout, only SIGINT stops it cleanly.
    name: 'node-foreman', bin: NF, counts: true, timeout: false, stopSignal: 'SIGINT',
    version: () => spawnSync(NF, ['--version'], { encoding: 'utf8' }).stdout.trim(),
    available: () => existsSync(NF),
    args: ({ procfile, counts }) => ['start', '-j', procfile, ...(counts ? [counts] : [])],
  },
  {
    name: 'minimal relay', bin: process.execPath, counts: false, timeout: false, stopSignal: 'SIGTERM',
    version: () => '-',
    available: () => true,
    args: ({ procfile }) => [RELAY, procfile],
  },
];

/** A fresh folder with the given files (name → text). */
export function workDir(files) {
  const dir = mkdtempSync(join(tmpdir(), 'formation-bench-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** Starts a tool in `dir` with a unique BENCH_MARKER that all its descendants inherit. */
export function launch(tool, { dir, stdout = 'pipe', ...options }) {
  const marker = randomUUID();
  const env = { ...process.env, BENCH_MARKER: marker };
  delete env.FORCE_COLOR;
  const t0 = performance.now();
  const child = spawn(tool.bin, tool.args({ dir, ...options }), { cwd: dir, env, stdio: ['ignore', stdout, stdout] });
  const exited = new Promise((done) => child.on('exit', (code, signal) => done({ code, signal, at: performance.now() })));
  child.on('error', () => {});
  return { child, marker, t0, exited };
}

export const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/**
 * Sends `signal` to the tool's PID and waits for it to exit; SIGKILLs the PID after `limitMs`.
 * Returns the seconds from signal to exit, whether it had to be killed, and its exit status.
 */
export async function stopTool(run, signal, limitMs = 15_000) {
  const sent = performance.now();
  run.child.kill(signal);
  let timer;
  const limit = new Promise((done) => { timer = setTimeout(() => done(null), limitMs); });
  let result = await Promise.race([run.exited, limit]);
  clearTimeout(timer);
  const killed = result === null;
  if (killed) {
    run.child.kill('SIGKILL');
    result = await run.exited;
  }
  return { seconds: (result.at - sent) / 1000, killed, status: result.signal ?? result.code };
}

/** PIDs (with their command lines) of live processes whose environment carries the marker. */
export function marked(marker) {
  const needle = Buffer.from(`BENCH_MARKER=${marker}\0`);
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/environ`).includes(needle)) continue;
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      found.push({ pid: Number(entry), cmd });
    } catch { /* gone, or a zombie */ }
  }
  return found;
}

/** CPU seconds (user + system) a live process has used so far; its children are not included. */
export function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

/** Counts the marked processes left `graceMs` after the tool exited, then SIGKILLs them by PID. */
export async function leftovers(marker, graceMs = 500) {
  await sleep(graceMs);
  const left = marked(marker);
  for (const { pid } of left) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
  }
  return left;
}

/** Calls `onLine` for each whole line of a readable stream (ANSI colours removed). */
export function eachLine(stream, onLine) {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop();
    for (const line of lines) onLine(stripAnsi(line));
  });
}

export const stripAnsi = (text) => text.replace(/\x1b\[[0-9;]*m/g, '');

/** Splits an output line into the instance name before the first `|` and the text after it. */
export function parseLine(line) {
  const m = line.match(/^[^|]*?(\S+) *\| ?(.*)$/);
  return m ? { name: m[1], text: m[2] } : { name: undefined, text: line };
}

/** Markdown table from a header row and rows. */
export function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
