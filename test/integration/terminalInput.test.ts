import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { terminalNamed, useFormation, waitFor } from './helpers';

describe('Typing into an instance terminal', () => {
  const context = useFormation();
  afterEach(async () => {
    await vscode.commands.executeCommand('procfile.scale', { process: 'echo', count: 0 });
  });

  it('sends the typed line to stdin, without escape keys (arrows) and with Backspace applied', async () => {
    const { api } = context;
    await vscode.commands.executeCommand('procfile.scale', { process: 'echo', count: 1 });
    await vscode.commands.executeCommand('procfile.start', { process: 'echo.1' });
    await waitFor(api, 'echo.1 running', (s) => s.some((i) => i.name === 'echo.1' && i.state === 'running'));
    const terminal = await terminalNamed('echo.1');
    // Up, Left, an Alt+x and a typo fixed with Backspace: the process must get exactly "hi there".
    terminal.sendText('hi\u001b[A\u001b[D thx\u007fere\u001bx', false);
    terminal.sendText('\r', false);
    const [echo] = (await waitFor(api, 'echo.1 exited', (s) => s.some((i) => i.name === 'echo.1' && (i.state === 'exited' || i.state === 'crashed' || i.state === 'restarting')))).filter((i) => i.name === 'echo.1');
    assert.equal(echo.exitCode, 0, `echo.js got something other than "hi there" (exit ${echo.exitCode}, state ${echo.state})`);
  });
});
