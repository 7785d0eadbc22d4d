#!/usr/bin/env node
// Runs the three scenarios for every available tool, in one run, and prints one markdown table per
// scenario; the same text goes to bench/results/<date>.md.
// Usage: node bench/run.mjs [--only throughput,startup,stop] [--tools formation,foreman,...]
//                           [--lines 200000] [--repeat 3] [--instances 50]
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH, table, TOOLS } from './lib.mjs';
import { startup } from './startup.mjs';
import { stop } from './stop.mjs';
import { throughput } from './throughput.mjs';

const { values: args } = parseArgs({
  options: {
    only: { type: 'string', default: 'throughput,startup,stop' },
    tools: { type: 'string' },
    lines: { type: 'string', default: '200000' },
    repeat: { type: 'string', default: '5' },
    instances: { type: 'string', default: '50' },
  },
});
const scenarios = args.only.split(',');
const lines = Number(args.lines), repeat = Number(args.repeat), instances = Number(args.instances);
const wanted = args.tools?.split(',');
const tools = TOOLS.filter((t) => !wanted || wanted.includes(t.name));
const missing = tools.filter((t) => !t.available());
const present = tools.filter((t) => t.available());

const out = [];
const say = (text = '') => { console.log(text); out.push(text); };
const fmt = (n, digits = 2) => (n === undefined || Number.isNaN(n) ? '–' : n.toFixed(digits));
const stalled = (runs) => {
  const n = runs.filter((r) => !r.complete).length;
  return n ? ` (${n}/${runs.length} runs stalled)` : '';
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

say(`# formation bench, ${new Date().toISOString()}`);
say();
say(`Node ${process.version}, ${cpus().length} CPU (${cpus()[0]?.model ?? '?'}). ` +
  present.map((t) => `${t.name} ${t.version()}`).join(', ') + '.');
for (const t of missing) say(`**${t.name} is not installed: skipped** (see bench/README.md).`);

if (scenarios.includes('throughput')) {
  const results = [];
  for (const tool of present) {
    const runs = [];
    for (let i = 0; i < repeat; i++) {
      process.stderr.write(`throughput: ${tool.name} run ${i + 1}/${repeat}…\n`);
      runs.push(await throughput(tool, { lines }));
    }
    const worst = (key) => Math.max(...runs.map((r) => r[key]));
    const mid = (key) => median(runs.map((r) => r[key]));
    results.push({ tool, runs, rate: mid('rate'), relayRate: mid('relayRate'), cpu: mid('cpu'), worst });
  }
  const base = results.find((r) => r.tool.name === 'minimal relay');
  say();
  say(`## Throughput: 4 writers × ${lines.toLocaleString('en-US')} lines to a file (median of ${repeat}; lost/torn/leftovers: worst run)`);
  say();
  say(table(['tool', 'lines/s (start → last line)', '× minimal relay', 'lines/s (first → last line)', '× minimal relay',
    'tool CPU (s)', 'lost', 'torn', 'duplicated', 'leftovers'],
    results.map(({ tool, runs, rate, relayRate, cpu, worst }) => [
      tool.name, `${fmt(rate / 1e6)} M`, base ? fmt(rate / base.rate) : '–',
      `${fmt(relayRate / 1e6)} M`, base ? fmt(relayRate / base.relayRate) : '–', fmt(cpu),
      worst('lost').toLocaleString('en-US') + stalled(runs),
      worst('torn').toLocaleString('en-US'), worst('duplicated').toLocaleString('en-US'), worst('leftovers'),
    ])));
  for (const { tool, runs } of results) {
    const samples = runs.flatMap((r) => r.tornSamples).slice(0, 3);
    if (samples.length) say(`\n${tool.name} torn lines, e.g.: ${samples.map((s) => '`' + s + '`').join(', ')}`);
  }
}

if (scenarios.includes('startup')) {
  const rows = [];
  for (const tool of present) {
    process.stderr.write(`startup: ${tool.name}…\n`);
    const r = await startup(tool, { instances });
    rows.push([tool.name, tool.counts ? `-m web=${instances}` : `${instances} types`, fmt(r.seconds),
      `${r.ready}/${instances}`, fmt(r.stopSeconds) + (r.killed ? ' (SIGKILLed)' : ''), r.leftovers]);
  }
  say();
  say(`## Startup: ${instances} instances printing \`ready\` (then stopped by PID)`);
  say();
  say(table(['tool', 'instances as', 'all ready (s)', 'ready seen', 'stop (s)', 'leftovers'], rows));
}

if (scenarios.includes('stop')) {
  const rows = [];
  const notes = [];
  for (const tool of present) {
    process.stderr.write(`stop: ${tool.name}…\n`);
    const r = await stop(tool);
    rows.push([tool.name, tool.stopSignal, r.timeout ? `${r.timeout} s` : 'none', r.up ? r.processes : 'not all up',
      fmt(r.seconds) + (r.killed ? ' (SIGKILLed at 15 s)' : ''), String(r.status), r.leftovers.length]);
    if (r.leftovers.length) notes.push(`${tool.name} left: ${r.leftovers.map((p) => '`' + p.cmd.slice(0, 50) + '`').join(', ')}`);
  }
  say();
  say('## Stop: sh/node/bash trees with grandchildren + a SIGTERM-ignorer');
  say();
  say(table(['tool', 'signal', 'kill timeout', 'processes (tool incl.)', 'stop → exit (s)', 'exit status', 'leftovers'], rows));
  for (const note of notes) say(`\n${note}`);
}

const dir = join(BENCH, 'results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `${new Date().toISOString().slice(0, 10)}.md`);
writeFileSync(file, out.join('\n') + '\n');
console.error(`\nwritten to ${file}`);
