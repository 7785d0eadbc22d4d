import assert from 'node:assert/strict';
import { envFileRequests, loadEnvironment, type ReadFile } from '../../src/core/environment';

const files: Record<string, string> = {
  '/app/.env': 'MODE=from-dotenv\nSHARED=one\nPORT=8000\n',
  '/app/.env.local': 'SHARED=two\nREF=${MODE}-${HOME_X}\n',
};
const read: ReadFile = (path) =>
  path === '/app/folder.env' ? { reason: 'folder', message: 'is a folder, not a file' } : path in files ? Buffer.from(files[path]) : { reason: 'missing', message: 'not found' };

describe('environment: inherited < env files in order', () => {
  it("uses Foreman's precedence and lists overridden inherited names", () => {
    const loaded = loadEnvironment({ MODE: 'from-shell', HOME_X: 'h', SHARED: 'two' }, [
      { path: '/app/.env', explicit: true },
      { path: '/app/.env.local', explicit: true },
    ], read);
    assert.equal(loaded.env.MODE, 'from-dotenv');
    assert.equal(loaded.env.SHARED, 'two');
    assert.equal(loaded.env.REF, 'from-dotenv-h', 'a later file sees earlier files and the inherited env');
    assert.deepEqual(loaded.overridden, ['MODE'], 'SHARED has the same value, so nothing was overridden');
    assert.equal(loaded.fromFiles.PORT, '8000');
    assert.equal(loaded.hasErrors, false);
  });

  it('a missing default .env is fine; a missing named file is an error', () => {
    assert.equal(loadEnvironment({}, [{ path: '/nope/.env', explicit: false }], read).hasErrors, false);
    const named = loadEnvironment({}, [{ path: '/nope/.env', explicit: true }], read);
    assert.equal(named.hasErrors, true);
    assert.equal(named.files[0].problems[0].code, 'env-file-missing');
    assert.match(named.files[0].problems[0].message, /env file not found: \/nope\/\.env/);
  });

  it('a folder where an env file should be is an error, even for the default .env', () => {
    const loaded = loadEnvironment({}, [{ path: '/app/folder.env', explicit: false }], read);
    assert.equal(loaded.hasErrors, true);
    assert.match(loaded.files[0].problems[0].message, /is a folder, not a file/);
  });

  it('resolves -e files against the invoking folder and the default against the root', () => {
    assert.deepEqual(envFileRequests('/app', undefined, '/cwd'), [{ path: '/app/.env', explicit: false }]);
    assert.deepEqual(envFileRequests('/app', 'a.env, /abs/b.env', '/cwd'), [
      { path: '/cwd/a.env', explicit: true },
      { path: '/abs/b.env', explicit: true },
    ]);
  });
});
