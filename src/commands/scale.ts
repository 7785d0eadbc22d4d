/**
 * Scaling: "Procfile: Scale…" (pick a type, enter a count 0–100), `+`/`−` on a type, the argument
 * form `{ "process": "worker", "count": 3 }`, and "Save Formation to Settings".
 */
import * as vscode from 'vscode';
import { Commands, Settings } from '../constants';
import { MAX_INSTANCES } from '../core/formation';
import type { Formations } from '../formations';
import { type CommandArgs, type CommandInput, folderOf, resolveTarget, type Target } from './targets';

/** `validateInput` for a count: a whole number from 0 to 100, else the message to show. */
export function validateCount(value: string): string | undefined {
  return /^\s*\d+\s*$/.test(value) && Number(value) <= MAX_INSTANCES ? undefined : vscode.l10n.t('Enter a whole number from 0 to {0}.', MAX_INSTANCES);
}

/** Registers scale, scaleUp, scaleDown and saveFormation. */
export function registerScaleCommands(context: vscode.ExtensionContext, formations: Formations): void {
  const scaleTo = async (target: Target, count: number) => {
    await vscode.window.withProgress({ location: { viewId: 'procfile.processes' }, title: vscode.l10n.t('Scaling {0} to {1}', target.name, count) }, () => target.folder.formation.scale(target.name, count));
  };
  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.scale, async (input?: CommandInput) => {
      const target = await resolveTarget(formations, input, vscode.l10n.t('Scale which process type?'), ['type']);
      if (!target) return;
      const given = (input as CommandArgs | undefined)?.count;
      let count: number | undefined;
      if (given !== undefined) {
        if (validateCount(String(given)) !== undefined) {
          void vscode.window.showErrorMessage(vscode.l10n.t('Procfile: invalid count {0} for {1}: {2}', JSON.stringify(given), target.name, validateCount(String(given)) ?? ''));
          return;
        }
        count = Number(given);
      } else {
        const answer = await vscode.window.showInputBox({
          title: vscode.l10n.t('Scale {0}', target.name),
          prompt: vscode.l10n.t('How many instances of {0}? (0–{1})', target.name, MAX_INSTANCES),
          value: String(target.folder.formation.count(target.name)),
          validateInput: validateCount,
        });
        if (answer === undefined) return;
        count = Number(answer);
      }
      await scaleTo(target, count);
    }),
    vscode.commands.registerCommand(Commands.scaleUp, async (input?: CommandInput) => {
      const target = await resolveTarget(formations, input, vscode.l10n.t('Add an instance to which process type?'), ['type']);
      if (target) await scaleTo(target, Math.min(MAX_INSTANCES, target.folder.formation.count(target.name) + 1));
    }),
    vscode.commands.registerCommand(Commands.scaleDown, async (input?: CommandInput) => {
      const target = await resolveTarget(formations, input, vscode.l10n.t('Remove an instance from which process type?'), ['type']);
      if (!target) return;
      const count = target.folder.formation.count(target.name);
      if (count === 0) void vscode.window.showInformationMessage(vscode.l10n.t('Procfile: {0} is already scaled to 0.', target.name));
      else await scaleTo(target, count - 1);
    }),
    vscode.commands.registerCommand(Commands.saveFormation, async (input?: CommandInput) => {
      const folder = folderOf(formations, input);
      if (!folder) return;
      const counts = Object.fromEntries(folder.formation.countsByType());
      await vscode.workspace.getConfiguration(Settings.section, folder.folder.uri).update(Settings.formation, counts, vscode.ConfigurationTarget.WorkspaceFolder);
      void vscode.window.showInformationMessage(vscode.l10n.t('Procfile: saved the formation ({0}) to procfile.formation.', Object.entries(counts).map(([t, n]) => `${t}=${n}`).join(', ')));
    }),
  );
}
