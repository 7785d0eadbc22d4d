import assert from 'node:assert/strict';
import { parseProcfile } from '../../src/core/procfile';
import { scaffoldProcfile } from '../../src/core/scaffold';

const entries = (text: string) => parseProcfile(text).entries.map((e) => `${e.name}: ${e.command}`);

describe('Create Procfile scaffold', () => {
  it('uses package.json scripts: start, else dev, plus a worker script', () => {
    assert.deepEqual(entries(scaffoldProcfile({ packageJson: '{"scripts":{"start":"node s.js","worker":"node w.js"}}' })), ['web: npm start', 'worker: npm run worker']);
    assert.deepEqual(entries(scaffoldProcfile({ packageJson: '{"scripts":{"dev":"vite"}}' })), ['web: npm run dev']);
  });

  it('knows Rails and Django, and otherwise writes a commented template with no problems but no-entries', () => {
    assert.deepEqual(entries(scaffoldProcfile({ hasGemfileWithRails: true })), ['web: bin/rails server -p $PORT']);
    assert.deepEqual(entries(scaffoldProcfile({ hasManagePy: true })), ['web: python manage.py runserver 127.0.0.1:$PORT']);
    const template = parseProcfile(scaffoldProcfile({ packageJson: '{ not json' }));
    assert.deepEqual(template.entries, []);
    assert.deepEqual(template.problems.map((p) => p.code), ['no-entries']);
  });
});
