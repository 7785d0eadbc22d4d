/**
 * The status bar item: running/total instances (`4/5`), in the warning colour when something crashed
 * or gave up; a click focuses the Processes view.
 */
import * as vscode from 'vscode';
import { Views } from './constants';
import type { Formations } from './formations';
import { stateLabel } from './tree';

/** Creates the item and keeps it current. */
export function registerStatusBar(context: vscode.ExtensionContext, formations: Formations): void {
  const item = vscode.window.createStatusBarItem('procfile.status', vscode.StatusBarAlignment.Left, 10);
  item.name = vscode.l10n.t('Procfile');
  item.command = `${Views.processes}.focus`;
  const update = () => {
    const all = formations.snapshot().map((s) => s.instance);
    if (formations.all().length === 0) {
      item.hide();
      return;
    }
    const running = all.filter((i) => i.state === 'running').length;
    const troubled = all.filter((i) => i.state === 'crashed' || i.state === 'restarting' || i.gaveUp);
    item.text = `$(server-process) ${running}/${all.length}`;
    item.tooltip =
      troubled.length > 0
        ? vscode.l10n.t('Procfile: {0}', troubled.map((i) => (i.gaveUp ? vscode.l10n.t('{0} {1} (gave up)', i.name, stateLabel(i.state)) : `${i.name} ${stateLabel(i.state)}`)).join(', '))
        : vscode.l10n.t('Procfile: {0} of {1} instances running', running, all.length);
    item.backgroundColor = troubled.length > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.show();
  };
  context.subscriptions.push(item, formations.onDidChange(update));
  update();
}
