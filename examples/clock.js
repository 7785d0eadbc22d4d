// A scheduler: enqueues work every 5 seconds; exits at once on SIGTERM (the default).
console.log('clock: ready');
setInterval(() => console.log(`clock: tick at ${new Date().toISOString()}`), 5000);
