// A queue worker: processes a "job" every JOB_INTERVAL_MS and finishes it before exiting on SIGTERM.
let job = 0;
const interval = Number(process.env.JOB_INTERVAL_MS || 2000);
console.log(`worker: ${process.env.PS} ready`);
const timer = setInterval(() => console.log(`worker: finished job ${++job}`), interval);
process.on('SIGTERM', () => {
  clearInterval(timer);
  console.log(`worker: SIGTERM received after ${job} jobs, exiting`);
  process.exit(0);
});
