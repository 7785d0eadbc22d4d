#!/usr/bin/env node
// The baseline: the least a Procfile relay must do. Spawn each entry once with `sh -c`, split the
// output into lines across chunks, prefix `name.1 | `, write to stdout. No supervision: on SIGINT or
// SIGTERM it sends SIGTERM to each shell and exits at once (so the bench shows what naive relays leave).
// Usage: node minimal-relay.mjs [Procfile]   (processes run in the Procfile's folder)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const procfile = resolve(process.argv[2] ?? 'Procfile');
const entries = readFileSync(procfile, 'utf8')
  .split('\n')
  .map((line) => line.match(/^([A-Za-z0-9_-]+):\s*(.+)$/))
  .filter(Boolean);

const children = entries.map(([, name, command]) => {
  const child = spawn('sh', ['-c', command], { cwd: dirname(procfile), stdio: ['ignore', 'pipe', 'inherit'] });
  const prefix = `${name}.1 | `;
  let pending = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop();
    if (lines.length > 0) process.stdout.write(prefix + lines.join('\n' + prefix) + '\n');
  });
  child.stdout.on('end', () => {
    if (pending !== '') process.stdout.write(prefix + pending + '\n');
  });
  return child;
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of children) child.kill('SIGTERM');
    process.exit(0);
  });
}
