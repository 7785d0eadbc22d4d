// An HTTP server on its instance's PORT (web.1 → 5000, web.2 → 5001, …).
const http = require('node:http');

const name = process.env.PS;
const server = http.createServer((req, res) => {
  console.log(`${req.method} ${req.url}`);
  res.end(`${process.env.GREETING} (${name})\n`);
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => {
  console.log(`web: listening on http://127.0.0.1:${process.env.PORT}`);
});
process.on('SIGTERM', () => {
  console.log('web: SIGTERM received, closing');
  server.close(() => process.exit(0));
});
