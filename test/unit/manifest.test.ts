import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Commands, RUN_SETTINGS, Settings, Views } from '../../src/constants';
import { ROOT } from './support/cli';

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

describe('package.json manifest', () => {
  it('contributes exactly the commands the code registers, in the Procfile category', () => {
    const contributed = manifest.contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.deepEqual(contributed, Object.values(Commands).sort());
    for (const command of manifest.contributes.commands) assert.equal(command.category, 'Procfile');
  });

  it('menus only name contributed commands and the contributed view', () => {
    const commands = new Set(Object.values(Commands));
    for (const [menu, entries] of Object.entries(manifest.contributes.menus as Record<string, { command: string; when?: string }[]>)) {
      for (const entry of entries) {
        assert.ok(commands.has(entry.command as never), `${menu}: ${entry.command}`);
        if (menu.startsWith('view/')) assert.match(entry.when ?? '', new RegExp(`view == ${Views.processes.replace('.', '\\.')}`));
      }
    }
    assert.equal(manifest.contributes.views[Views.container][0].id, Views.processes);
  });

  it('declares every setting, and lists those that decide what runs as restricted', () => {
    const properties = Object.keys(manifest.contributes.configuration.properties);
    const names = Object.values(Settings).filter((s) => s !== Settings.section).map((s) => `procfile.${s}`);
    assert.deepEqual(properties.sort(), names.sort());
    const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
    assert.deepEqual([...restricted].sort(), RUN_SETTINGS.map((s) => `procfile.${s}`).sort());
  });

  it('pins @types/vscode to the engines floor and runs on Node 20', () => {
    assert.equal(manifest.engines.vscode, '^1.90.0');
    assert.equal(manifest.devDependencies['@types/vscode'], '1.90.0');
    assert.equal(manifest.engines.node, '>=20.19');
    assert.deepEqual(manifest.extensionKind, ['workspace']);
  });
});
