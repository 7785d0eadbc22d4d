/**
 * Resolves what a command acts on: a tree node (menus), an argument object
 * (`{ "process": "web.2", "folder": "api" }` — no prompt), or a quick pick (palette).
 */
import * as vscode from 'vscode';
import type { FolderFormation } from '../folderFormation';
import type { Formations } from '../formations';
import { type ProcessNode, stateLabel } from '../tree';

/** The argument object commands accept from keybindings, tasks and other extensions. */
export interface CommandArgs {
  /** A process type (`worker`) or an instance (`web.2`). */
  process?: string;
  /** For `procfile.scale`: the new count, 0–100. */
  count?: number;
  /** In multi-root workspaces: the folder's name or URI. */
  folder?: string;
}

/** What a command received as its first argument. */
export type CommandInput = ProcessNode | CommandArgs | undefined;

/** A resolved target: `name` is a type or instance name; `kind` says which. */
export interface Target {
  folder: FolderFormation;
  name: string;
  kind: 'type' | 'instance';
}

function isNode(input: CommandInput): input is ProcessNode {
  return input !== undefined && typeof input === 'object' && 'kind' in input;
}

/** The folder an argument object names (or the only/first one); shows an error when unknown. */
export function folderOf(formations: Formations, input: CommandInput): FolderFormation | undefined {
  if (isNode(input)) return input.folder;
  const folder = formations.find(input?.folder);
  if (!folder) void vscode.window.showErrorMessage(input?.folder ? vscode.l10n.t('Procfile: no Procfile in folder "{0}".', input.folder) : vscode.l10n.t('Procfile: no Procfile in this workspace.'));
  return folder;
}

/**
 * The target of a command, or `undefined` when the user cancelled or the argument was invalid
 * (then an error says why).
 *
 * @param accept which kinds the command accepts (Scale accepts only types)
 */
export async function resolveTarget(formations: Formations, input: CommandInput, placeholder: string, accept: ('type' | 'instance')[] = ['type', 'instance']): Promise<Target | undefined> {
  if (isNode(input)) {
    if (input.kind === 'type' && accept.includes('type')) return { folder: input.folder, name: input.type.name, kind: 'type' };
    if (input.kind === 'instance' && accept.includes('instance')) return { folder: input.folder, name: input.instance.name, kind: 'instance' };
    if (input.kind === 'instance' && accept.includes('type')) return { folder: input.folder, name: input.instance.type, kind: 'type' };
    return undefined;
  }
  if (input?.process !== undefined) {
    const folder = folderOf(formations, input);
    if (!folder) return undefined;
    const kind = folder.formation.types.some((t) => t.name === input.process) ? 'type' : folder.formation.snapshot().some((i) => i.name === input.process) ? 'instance' : undefined;
    if (!kind || !accept.includes(kind)) {
      const valid = folder.formation.types.filter((t) => t.runnable).map((t) => t.name).join(', ') || vscode.l10n.t('nothing');
      void vscode.window.showErrorMessage(
        accept.includes('instance')
          ? vscode.l10n.t('Procfile: unknown process "{0}" (the Procfile defines: {1}).', input.process, valid)
          : vscode.l10n.t('Procfile: unknown process type "{0}" (the Procfile defines: {1}).', input.process, valid),
      );
      return undefined;
    }
    return { folder, name: input.process, kind };
  }
  return pickTarget(formations, placeholder, accept);
}

async function pickTarget(formations: Formations, placeholder: string, accept: ('type' | 'instance')[]): Promise<Target | undefined> {
  const multiRoot = formations.all().length > 1;
  const items: (vscode.QuickPickItem & { target?: Target })[] = [];
  for (const folder of formations.all()) {
    if (multiRoot) items.push({ label: folder.name, kind: vscode.QuickPickItemKind.Separator });
    for (const type of folder.formation.types.filter((t) => t.runnable)) {
      const instances = folder.formation.snapshot().filter((i) => i.type === type.name);
      if (accept.includes('type')) {
        const running = instances.filter((i) => i.state === 'running').length;
        items.push({ label: type.name, description: vscode.l10n.t('{0}/{1} running', running, instances.length), detail: type.command, target: { folder, name: type.name, kind: 'type' } });
      }
      if (accept.includes('instance')) {
        for (const instance of instances) items.push({ label: `$(debug-stackframe-dot) ${instance.name}`, description: `${stateLabel(instance.state)}${instance.debugging ? ` · ${vscode.l10n.t('debugging')}` : ''} · :${instance.port}`, target: { folder, name: instance.name, kind: 'instance' } });
      }
    }
  }
  if (items.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Procfile: no process types to choose from.'));
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { placeHolder: placeholder, matchOnDetail: true });
  return picked?.target;
}
