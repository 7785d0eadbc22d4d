/**
 * Editing a Procfile in the real extension host: the `procfile` language, diagnostics for the unsaved
 * text, quick fixes, outline, CodeLens, hover, the `procfile` tasks, and env-file problems.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { fixture, instance, procfileUri, sleep, useFormation, waitFor, waitRunning } from './helpers';

/** Every kind of Procfile problem, one per line (0-based line numbers in the comments). */
const BROKEN = [
  'web: npm start', //                 0 fine
  '  clock: node clock.js', //         1 indented-entry
  'api : node api.js', //              2 space-before-colon
  'api.v2: node api.js', //            3 invalid-name
  'worker:', //                        4 empty-command
  'release', //                        5 not-an-entry
  'web:node web.js', //                6 duplicate-type + no-space-after-colon
  'web-app: node app.js', //           7 dash-in-name
  '',
].join('\n');

const EXPECTED: [number, string, vscode.DiagnosticSeverity][] = [
  [1, 'indented-entry', vscode.DiagnosticSeverity.Warning],
  [2, 'space-before-colon', vscode.DiagnosticSeverity.Warning],
  [3, 'invalid-name', vscode.DiagnosticSeverity.Error],
  [4, 'empty-command', vscode.DiagnosticSeverity.Error],
  [5, 'not-an-entry', vscode.DiagnosticSeverity.Error],
  [6, 'duplicate-type', vscode.DiagnosticSeverity.Warning],
  [6, 'no-space-after-colon', vscode.DiagnosticSeverity.Information],
  [7, 'dash-in-name', vscode.DiagnosticSeverity.Information],
];

async function until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** The Procfile diagnostics of a document as [line, code, severity]. */
function procfileDiagnostics(uri: vscode.Uri): [number, string, vscode.DiagnosticSeverity][] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source === 'Procfile')
    .map((d): [number, string, vscode.DiagnosticSeverity] => [d.range.start.line, String(d.code), d.severity])
    .sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
}

/** Replaces the whole document's text in the editor, without saving. */
async function setText(editor: vscode.TextEditor, text: string): Promise<void> {
  const document = editor.document;
  const all = new vscode.Range(0, 0, document.lineCount, 0);
  assert.ok(await editor.edit((builder) => builder.replace(all, text)));
}

/** Reverts the fixture Procfile's editor to the file on disk and closes it. */
async function revertAndClose(editor: vscode.TextEditor): Promise<void> {
  await vscode.window.showTextDocument(editor.document);
  await vscode.commands.executeCommand('workbench.action.files.revert');
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
}

describe('Editing a Procfile', function () {
  this.timeout(60_000);
  const context = useFormation();

  it('is the procfile language, with every entry in the outline', async () => {
    const document = await vscode.workspace.openTextDocument(procfileUri);
    assert.equal(document.languageId, 'procfile');
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', procfileUri);
    assert.deepEqual(symbols.map((s) => s.name), ['web', 'worker', 'crash', 'echo', 'debuggee']);
    assert.equal(symbols[0].detail, 'npm start');
  });

  it('shows every kind of problem for the unsaved text, with code, range and severity, and clears them as the text is fixed', async () => {
    const editor = await vscode.window.showTextDocument(procfileUri);
    try {
      await setText(editor, BROKEN);
      assert.ok(editor.document.isDirty, 'not saved');
      const found = await until('the diagnostics of the unsaved text', () => {
        const current = procfileDiagnostics(procfileUri);
        return current.length === EXPECTED.length && current;
      });
      assert.deepEqual(found, EXPECTED);
      const indented = vscode.languages.getDiagnostics(procfileUri).find((d) => d.code === 'indented-entry')!;
      assert.deepEqual([indented.range.start.character, indented.range.end.character > indented.range.start.character], [0, true]);
      await setText(editor, 'web: npm start\nworker: node worker.js\n');
      await until('no diagnostics once fixed', () => procfileDiagnostics(procfileUri).length === 0);
    } finally {
      await revertAndClose(editor);
    }
  });

  it('offers a quick fix for each kind, and applying it changes the line as promised', async () => {
    const cases: [string, string, string, string][] = [
      // [line, code, fix title pattern, new line]
      ['  clock: node clock.js', 'indented-entry', 'ndent', 'clock: node clock.js'],
      ['api : node api.js', 'space-before-colon', 'space', 'api: node api.js'],
      ['api.v2: node api.js', 'invalid-name', 'api_v2', 'api_v2: node api.js'],
      ['web:node web.js', 'no-space-after-colon', 'space', 'web: node web.js'],
      ['release', 'not-an-entry', 'Comment', '# release'],
    ];
    const editor = await vscode.window.showTextDocument(procfileUri);
    try {
      for (const [line, code, title, fixed] of cases) {
        await setText(editor, `worker: node worker.js\n${line}\n`);
        const diagnostic = await until(`the ${code} diagnostic`, () => vscode.languages.getDiagnostics(procfileUri).find((d) => d.code === code));
        const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', procfileUri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
        const action = actions.find((a) => a.title.includes(title));
        assert.ok(action?.edit, `a quick fix for ${code}; got: ${actions.map((a) => a.title).join(' | ')}`);
        assert.ok(await vscode.workspace.applyEdit(action.edit));
        assert.equal(editor.document.lineAt(1).text, fixed, `after "${action.title}"`);
        await until(`the ${code} diagnostic gone`, () => !vscode.languages.getDiagnostics(procfileUri).some((d) => d.code === code && d.range.start.line === 1));
      }
      // A duplicate: rename it, or remove the earlier definition.
      await setText(editor, 'web: node web.js\nworker: node worker.js\nweb: npm start\n');
      const duplicate = await until('the duplicate-type diagnostic', () => vscode.languages.getDiagnostics(procfileUri).find((d) => d.code === 'duplicate-type'));
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', procfileUri, duplicate.range, vscode.CodeActionKind.QuickFix.value);
      const remove = actions.find((a) => /Remove/.test(a.title));
      assert.ok(remove?.edit && actions.some((a) => /Rename/.test(a.title)), actions.map((a) => a.title).join(' | '));
      assert.ok(await vscode.workspace.applyEdit(remove.edit));
      assert.equal(editor.document.getText(), 'worker: node worker.js\nweb: npm start\n');
    } finally {
      await revertAndClose(editor);
    }
  });

  it('CodeLens above each entry runs the tree’s commands and follows the state', async () => {
    const { api } = context;
    const titles = async (line: number) => {
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', procfileUri, 100);
      return lenses.filter((l) => l.range.start.line === line).map((l) => l.command?.title);
    };
    assert.deepEqual(await titles(0), ['▶ Start', 'Scale (1)', 'Debug']);
    assert.deepEqual(await titles(2), ['▶ Start', 'Scale (0)', 'Debug'], 'crash is scaled to 0');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', procfileUri, 100);
    const start = lenses.find((l) => l.range.start.line === 0 && l.command?.title === '▶ Start')!.command!;
    await vscode.commands.executeCommand(start.command, ...(start.arguments ?? []));
    await waitRunning(api, ['web.1']);
    assert.equal(instance(api, 'worker.1')?.state, 'stopped', 'the lens started web only');
    await until('the lenses to follow', async () => JSON.stringify(await titles(0)) === JSON.stringify(['■ Stop', '↻ Restart', 'Scale (1)', 'Debug']));
  });

  it('hover on a process name shows the command, each instance’s PORT and state, and the env files', async () => {
    const { base } = context;
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', procfileUri, new vscode.Position(1, 2));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /\*\*worker\*\*/);
    assert.match(text, /node worker\.js/);
    assert.match(text, new RegExp(`worker\\.1\`? · PORT ${base + 100} · stopped`));
    assert.match(text, /env files: none/);
    const none = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', procfileUri, new vscode.Position(1, 12));
    assert.equal(none.length, 0, 'no hover on the command');
  });

  it('each process type is a task; running one starts that type in the formation and its end lets a preLaunchTask go on', async () => {
    const { api } = context;
    const tasks = await vscode.tasks.fetchTasks({ type: 'procfile' });
    assert.deepEqual(tasks.map((t) => t.name).sort(), ['crash', 'debuggee', 'echo', 'web', 'worker']);
    assert.ok(tasks.every((t) => t.isBackground && t.source === 'Procfile'));
    const web = tasks.find((t) => t.name === 'web')!;
    const execution = await vscode.tasks.executeTask(web);
    await waitRunning(api, ['web.1']);
    assert.equal(instance(api, 'worker.1')?.state, 'stopped', 'the task started web only');
    const ended = new Promise<void>((resolve) => vscode.tasks.onDidEndTask((e) => e.execution === execution && resolve()));
    execution.terminate();
    await ended;
    await waitFor(api, 'web.1 stopped with its task', (s) => s.some((i) => i.name === 'web.1' && i.state === 'stopped'));

    // As a preLaunchTask: the debug session starts only once the task reported its instances running.
    const folder = vscode.workspace.workspaceFolders![0];
    const started = vscode.debug.startDebugging(folder, { type: 'procfile', request: 'launch', name: 'worker after web', process: 'worker', preLaunchTask: 'Procfile: web' });
    const timeout = sleep(30_000).then(() => 'timed out');
    assert.equal(await Promise.race([started, timeout]), true, 'the preLaunchTask ended (its background end matched)');
    assert.equal(instance(api, 'web.1')?.state, 'running');
    await waitFor(api, 'worker.1 debugging', (s) => s.some((i) => i.name === 'worker.1' && i.debugging));
    await vscode.debug.stopDebugging(); // every session: worker.1 returns to a normal run
    for (const running of vscode.tasks.taskExecutions.filter((e) => e.task.definition.type === 'procfile')) running.terminate();
  });

  it('Export Formation previews the live counts in one read-only document', async () => {
    await vscode.commands.executeCommand('procfile.scale', { process: 'worker', count: 2 });
    try {
      const uri = await vscode.commands.executeCommand<vscode.Uri>('procfile.exportFormation', { format: 'compose' });
      assert.ok(uri, 'a preview document');
      const document = await vscode.workspace.openTextDocument(uri);
      const text = document.getText();
      assert.match(text, /^# --- file: compose\.yaml ---$/m);
      assert.match(text, /^# --- file: workspace\.env ---$/m);
      assert.match(text, /worker:\n(?:.*\n)*?\s+replicas: 2/, 'the live count of worker');
      assert.match(text, /crash:\n(?:.*\n)*?\s+replicas: 0/, 'a type at 0 is exported with 0 replicas');
      assert.match(text, /^# warning: /m, 'warnings on top');
      assert.equal(document.languageId, 'yaml');
      const edited = await vscode.workspace.applyEdit(Object.assign(new vscode.WorkspaceEdit(), {}));
      assert.ok(edited !== undefined);
      await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(uri, new Uint8Array())), 'the preview is read-only');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await vscode.commands.executeCommand('procfile.scale', { process: 'worker', count: 1 });
    }
  });

  it('reports an env file’s problem on that file, with its line', async () => {
    const env = join(fixture, '.env');
    writeFileSync(env, 'GOOD=1\nthis is not an assignment\n');
    try {
      const uri = vscode.Uri.file(env);
      const diagnostic = await until('the env-file diagnostic', () => vscode.languages.getDiagnostics(uri).find((d) => d.code === 'env-invalid-line'));
      assert.equal(diagnostic.range.start.line, 1);
      assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    } finally {
      rmSync(env, { force: true });
    }
    await until('the diagnostic gone with the file', () => vscode.languages.getDiagnostics(vscode.Uri.file(env)).length === 0);
  });
});
