/**
 * Localization, the standard VS Code way: the manifest's user-facing strings are `%key%` placeholders
 * resolved by package.nls.json, and the code's go through `vscode.l10n.t`, whose English messages
 * l10n/bundle.l10n.json lists (regenerated with `npm run l10n`). Plain Node: reads the files.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './support/cli';

const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
const manifest = JSON.parse(read('package.json'));
const nls: Record<string, unknown> = JSON.parse(read('package.nls.json'));

const PLACEHOLDER = /^%([^%]+)%$/;

/** Every string of a JSON value with its path (`contributes.commands[0].title`). */
function strings(value: unknown, path = ''): { path: string; value: string }[] {
  if (typeof value === 'string') return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((item, i) => strings(item, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => strings(item, path ? `${path}.${key}` : key));
  return [];
}

/** Schema texts shown to the user, at any depth of a JSON schema (settings, launch and task attributes). */
const SCHEMA_TEXT = new Set(['description', 'markdownDescription', 'deprecationMessage', 'markdownDeprecationMessage', 'enumDescriptions', 'markdownEnumDescriptions', 'title']);

function schemaTexts(schema: unknown, path: string): { path: string; value: unknown }[] {
  if (Array.isArray(schema)) return schema.flatMap((item, i) => schemaTexts(item, `${path}[${i}]`));
  if (schema === null || typeof schema !== 'object') return [];
  return Object.entries(schema).flatMap(([key, value]) => {
    if (SCHEMA_TEXT.has(key) && (typeof value === 'string' || Array.isArray(value))) return strings(value, `${path}.${key}`);
    // `properties` maps setting or attribute names (which may be named "description") to schemas.
    if (key === 'properties' && value !== null && typeof value === 'object') {
      return Object.entries(value).flatMap(([name, property]) => schemaTexts(property, `${path}.properties.${name}`));
    }
    if (key === 'default' || key === 'enum' || key === 'body' || key === 'initialConfigurations') return [];
    return schemaTexts(value, `${path}.${key}`);
  });
}

/** The manifest fields a user reads (package.json), with their paths. */
function userFacingFields(): { path: string; value: unknown }[] {
  const c = manifest.contributes;
  const fields: { path: string; value: unknown }[] = [
    { path: 'displayName', value: manifest.displayName },
    { path: 'description', value: manifest.description },
    { path: 'capabilities.untrustedWorkspaces.description', value: manifest.capabilities.untrustedWorkspaces.description },
  ];
  for (const [container, entries] of Object.entries(c.viewsContainers as Record<string, { title: string }[]>)) {
    entries.forEach((entry, i) => fields.push({ path: `contributes.viewsContainers.${container}[${i}].title`, value: entry.title }));
  }
  for (const [container, views] of Object.entries(c.views as Record<string, { name: string; contextualTitle?: string }[]>)) {
    views.forEach((view, i) => {
      fields.push({ path: `contributes.views.${container}[${i}].name`, value: view.name });
      if (view.contextualTitle !== undefined) fields.push({ path: `contributes.views.${container}[${i}].contextualTitle`, value: view.contextualTitle });
    });
  }
  (c.viewsWelcome as { contents: string }[]).forEach((welcome, i) => fields.push({ path: `contributes.viewsWelcome[${i}].contents`, value: welcome.contents }));
  (c.commands as { title: string; shortTitle?: string }[]).forEach((command, i) => {
    fields.push({ path: `contributes.commands[${i}].title`, value: command.title });
    if (command.shortTitle !== undefined) fields.push({ path: `contributes.commands[${i}].shortTitle`, value: command.shortTitle });
    // `category` stays the literal brand name "Procfile": test/unit/manifest.test.ts asserts it.
  });
  for (const [i, configuration] of [c.configuration].flat().entries()) fields.push(...schemaTexts(configuration, `contributes.configuration[${i}]`));
  (c.debuggers as { label: string; configurationAttributes?: unknown; configurationSnippets?: { label: string; description: string }[] }[]).forEach((debuggerEntry, i) => {
    fields.push({ path: `contributes.debuggers[${i}].label`, value: debuggerEntry.label });
    fields.push(...schemaTexts(debuggerEntry.configurationAttributes, `contributes.debuggers[${i}].configurationAttributes`));
    (debuggerEntry.configurationSnippets ?? []).forEach((snippet, j) => {
      fields.push({ path: `contributes.debuggers[${i}].configurationSnippets[${j}].label`, value: snippet.label });
      fields.push({ path: `contributes.debuggers[${i}].configurationSnippets[${j}].description`, value: snippet.description });
    });
  });
  fields.push(...schemaTexts(c.taskDefinitions, 'contributes.taskDefinitions'));
  (c.problemMatchers as { label?: string }[]).forEach((matcher, i) => {
    if (matcher.label !== undefined) fields.push({ path: `contributes.problemMatchers[${i}].label`, value: matcher.label });
  });
  (c.walkthroughs as { title: string; description: string; steps: { title: string; description: string; media?: { altText?: string } }[] }[]).forEach((walkthrough, i) => {
    fields.push({ path: `contributes.walkthroughs[${i}].title`, value: walkthrough.title });
    fields.push({ path: `contributes.walkthroughs[${i}].description`, value: walkthrough.description });
    walkthrough.steps.forEach((step, j) => {
      const at = `contributes.walkthroughs[${i}].steps[${j}]`;
      fields.push({ path: `${at}.title`, value: step.title }, { path: `${at}.description`, value: step.description });
      if (step.media?.altText !== undefined) fields.push({ path: `${at}.media.altText`, value: step.media.altText });
    });
  });
  return fields;
}

/** TypeScript files under `dir`, recursively. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : name.endsWith('.ts') ? [path] : [];
  });
}

/** The value of a JavaScript string literal (quotes included in `literal`). */
function unquote(literal: string): string {
  return literal.slice(1, -1).replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\r?\n|.)/g, (_, escape: string) => {
    if (escape.startsWith('u{')) return String.fromCodePoint(parseInt(escape.slice(2, -1), 16));
    if (escape.startsWith('u') || escape.startsWith('x')) return String.fromCharCode(parseInt(escape.slice(1), 16));
    const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', v: '\v', '0': '\0' };
    if (escape === '\n' || escape === '\r\n') return '';
    return simple[escape] ?? escape;
  });
}

/** `l10n.t('…')`, `l10n.t("…")` and template-free `l10n.t(`…`)` calls: the message (first argument). */
const L10N_CALL = /\bl10n\s*\.\s*t\s*\(\s*('(?:[^'\\\n]|\\[\s\S])*'|"(?:[^"\\\n]|\\[\s\S])*"|`(?:[^`\\$]|\\[\s\S]|\$(?!\{))*`)/g;

/** Messages of the `l10n.t` calls in the extension's sources (src/core and src/cli have no vscode). */
function codeMessages(): { file: string; message: string }[] {
  const src = join(ROOT, 'src');
  const adapters = sources(src).filter((file) => !/^(core|cli)[\\/]/.test(relative(src, file)));
  return adapters.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(L10N_CALL)].map((match) => ({ file: relative(ROOT, file), message: unquote(match[1]) })));
}

describe('localization', () => {
  it('resolves every %key% of package.json in package.nls.json, and package.nls.json has no unused key', () => {
    const used = new Set<string>();
    for (const { path, value } of strings(manifest)) {
      const key = PLACEHOLDER.exec(value)?.[1];
      if (key === undefined) continue;
      used.add(key);
      assert.equal(typeof nls[key], 'string', `${path}: "%${key}%" is not in package.nls.json`);
      assert.notEqual(nls[key], '', `package.nls.json: "${key}" is empty`);
    }
    assert.deepEqual(Object.keys(nls).filter((key) => !used.has(key)), [], 'keys of package.nls.json that package.json does not use');
    assert.ok(used.size > 0);
  });

  it('leaves no user-facing manifest string literal', () => {
    const fields = userFacingFields();
    assert.ok(fields.length > 50, `only ${fields.length} fields found: is the walk broken?`);
    const literal = fields.filter(({ value }) => typeof value !== 'string' || !PLACEHOLDER.test(value)).map(({ path, value }) => `${path}: ${JSON.stringify(value)}`);
    assert.deepEqual(literal, []);
    // Command titles keep their English text (tests and screenshots find them by it).
    const title = (command: string) => nls[PLACEHOLDER.exec(manifest.contributes.commands.find((c: { command: string }) => c.command === command).title)![1]];
    assert.equal(title('procfile.startAll'), 'Start All');
    assert.equal(title('procfile.debug'), 'Debug Process…');
    assert.equal(title('procfile.scale'), 'Scale…');
  });

  it('declares the l10n folder, and l10n/bundle.l10n.json has every l10n.t message of src (npm run l10n) and no stale one', () => {
    assert.equal(manifest.l10n, './l10n');
    const bundle: Record<string, unknown> = JSON.parse(read('l10n/bundle.l10n.json'));
    const messages = codeMessages();
    assert.ok(messages.length > 50, `only ${messages.length} l10n.t calls found: is the pattern broken?`);
    const missing = messages.filter(({ message }) => typeof bundle[message] !== 'string').map(({ file, message }) => `${file}: ${JSON.stringify(message)}`);
    assert.deepEqual(missing, [], 'messages missing from l10n/bundle.l10n.json: run `npm run l10n`');
    // Entries with a translator comment are objects keyed "message/comment"; plain ones must be used.
    const inCode = new Set(messages.map((m) => m.message));
    const stale = Object.entries(bundle).filter(([key, value]) => typeof value === 'string' && !inCode.has(key)).map(([key]) => key);
    assert.deepEqual(stale, [], 'messages of l10n/bundle.l10n.json no l10n.t call uses: run `npm run l10n`');
    for (const [key, value] of Object.entries(bundle)) if (typeof value === 'string') assert.equal(value, key, 'the English bundle maps each message to itself');
  });

  it('builds no l10n.t message from a template with substitutions (l10n-dev cannot extract those)', () => {
    const src = join(ROOT, 'src');
    const offenders = sources(src)
      .filter((file) => !/^(core|cli)[\\/]/.test(relative(src, file)))
      .flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\bl10n\s*\.\s*t\s*\(\s*`(?:[^`\\]|\\[\s\S])*\$\{/g)].map(() => relative(ROOT, file)));
    assert.deepEqual(offenders, []);
  });
});
