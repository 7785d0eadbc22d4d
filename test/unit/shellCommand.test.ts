import assert from 'node:assert/strict';
import { isSimpleCommand, shellScript } from '../../src/core/shellCommand';

describe('shell script of an instance', () => {
  it('merges stderr into stdout at the shell', () => {
    assert.match(shellScript('node a.js && node b.js'), /^exec 2>&1\nnode a\.js && node b\.js$/);
  });

  it('execs a single simple command so the PID is the program', () => {
    assert.equal(shellScript('node server.js --port $PORT'), 'exec 2>&1\nexec node server.js --port $PORT');
    for (const simple of ['npm start', 'bundle exec puma -C config/puma.rb', 'gunicorn app:app --bind=0.0.0.0:${PORT}']) {
      assert.ok(isSimpleCommand(simple), simple);
    }
  });

  it('runs anything else as written', () => {
    for (const complex of ['cd web && npm start', 'a | b', 'FOO=1 node x.js', 'node -e "x()"', 'cd dir', 'echo $(date)', 'sleep 1; echo', 'x > log', 'if true; then a; fi', 'a &', '$CMD']) {
      assert.equal(isSimpleCommand(complex), false, complex);
    }
  });
});
