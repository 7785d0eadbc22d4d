/**
 * `npm test`'s last step: runs each test suite in turn (unit in plain Node, integration inside
 * code-server, then the UI tests: Playwright as a user, and the packaged .vsix installed), streaming
 * their output, reads each suite's final "N passed, N failed" line, and ends with one plain line
 * "N passed, N failed" summed over all suites. Exits 1 if any suite failed, exited
 * non-zero, or printed no summary. Every suite is bounded in time and stopped by its process group.
 */
import { spawn } from 'node:child_process';

const SUITES = [
  { name: 'unit', args: ['test/run-unit.mjs'], timeoutMs: 15 * 60_000 },
  { name: 'integration', args: ['test/runInCodeServer.mjs'], timeoutMs: 30 * 60_000 },
  { name: 'ui', args: ['test/e2e/runUi.mjs'], timeoutMs: 15 * 60_000 },
];
const SUMMARY = /^(\d+) passed, (\d+) failed$/;

/** Runs one suite; resolves with its exit code and the last summary line it printed (or null). */
function runSuite({ name, args, timeoutMs }) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
    let summary = null;
    let pending = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const lines = (pending + chunk).split('\n');
      pending = lines.pop();
      for (const line of lines) if (SUMMARY.test(line.trim())) summary = line.trim();
    });
    const timer = setTimeout(() => {
      console.log(`${name}: timed out after ${timeoutMs / 60_000} min`);
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    }, timeoutMs);
    const forward = (signal) => { try { process.kill(-child.pid, signal); } catch { /* gone */ } };
    process.on('SIGINT', forward).on('SIGTERM', forward);
    child.on('close', (code) => {
      clearTimeout(timer);
      process.off('SIGINT', forward).off('SIGTERM', forward);
      if (SUMMARY.test(pending.trim())) summary = pending.trim();
      resolve({ code, summary });
    });
  });
}

let passed = 0;
let failed = 0;
let broken = false;
for (const suite of SUITES) {
  console.log(`\n=== ${suite.name}`);
  const { code, summary } = await runSuite(suite);
  const [, p = '0', f = '0'] = summary ? SUMMARY.exec(summary) : [];
  passed += Number(p);
  failed += Number(f);
  if (!summary || code !== 0) {
    broken ||= Number(f) === 0;
    console.log(`${suite.name}: ${summary ? `exited with code ${code}` : 'printed no "N passed, N failed" line'}`);
  }
}
if (broken) failed += 1; // a suite that failed without a failed test still fails the total
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
