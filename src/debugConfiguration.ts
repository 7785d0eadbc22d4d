/**
 * The `procfile` debug configuration: what `"process"` may name, how a type is debugged (its plan, from
 * `procfile.debugRecipes`), and the provider that offers one configuration per process type and
 * refuses, with the reason, what cannot be debugged — before anything restarts.
 */
import * as vscode from 'vscode';
import { checkEnvFiles, checkTrust } from './commands/lifecycle';
import { resolveTarget } from './commands/targets';
import { DEBUG_TYPE, Settings } from './constants';
import { type DebugPlanResult, type DebugRecipeSetting, planDebug } from './core/debug';
import type { FolderFormation } from './folderFormation';
import type { Formations } from './formations';

/** A `procfile` launch configuration (launch.json). */
export interface ProcfileDebugConfiguration extends vscode.DebugConfiguration {
  /** A process type (`web`: its instance 1) or an instance (`web.2`). */
  process?: string;
  /** In multi-root workspaces: the folder's name (defaults to the folder the configuration belongs to). */
  folder?: string;
}

/** The instance a type or instance name means: a type is its instance 1. */
export function instanceName(folder: FolderFormation, process: string): string | undefined {
  if (folder.formation.types.some((t) => t.name === process && t.runnable)) return `${process}.1`;
  const match = /^(.+)\.(\d+)$/.exec(process);
  if (match && folder.formation.types.some((t) => t.name === match[1] && t.runnable) && Number(match[2]) >= 1) return process;
  return undefined;
}

/** Why an instance above its type's count cannot be debugged (debugging never scales a type up, except
 * a type at 0 to its instance 1), or undefined when it can. */
export function beyondCount(folder: FolderFormation, name: string): string | undefined {
  const [, type, index] = /^(.+)\.(\d+)$/.exec(name) ?? [];
  const count = folder.formation.count(type);
  if (Number(index) === 1 || Number(index) <= count) return undefined;
  return vscode.l10n.t('{0} does not exist: {1} is scaled to {2}. Scale it up first, or debug {1}.1.', name, type, count);
}

/** Debug types contributed by the installed extensions (`contributes.debuggers[].type`). */
export function debugTypes(): Set<string> {
  const types = new Set<string>();
  for (const extension of vscode.extensions.all) {
    const debuggers = (extension.packageJSON as { contributes?: { debuggers?: { type?: string }[] } })?.contributes?.debuggers ?? [];
    for (const debuggerEntry of debuggers) if (typeof debuggerEntry.type === 'string') types.add(debuggerEntry.type);
  }
  return types;
}

/** The `procfile.debugRecipes` setting of a folder. */
export function recipesOf(folder: FolderFormation): Record<string, DebugRecipeSetting | undefined> {
  const value = vscode.workspace.getConfiguration(Settings.section, folder.folder.uri).get<unknown>(Settings.debugRecipes);
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, DebugRecipeSetting>) : {};
}

/** The plan for debugging an instance's type; `port` is a fresh loopback port for recipes. */
export function planFor(folder: FolderFormation, name: string, port: number): DebugPlanResult {
  const type = name.replace(/\.\d+$/, '');
  const command = folder.formation.types.find((t) => t.name === type)?.command ?? '';
  return planDebug(type, command, recipesOf(folder), port);
}

/** Makes sure instance `name` exists: debugging a type scaled to 0 scales it to 1 — without starting
 * it normally first (the debug launch starts it). */
export async function ensureInstance(folder: FolderFormation, name: string): Promise<void> {
  if (folder.formation.snapshot().some((i) => i.name === name)) return;
  const [, type, index] = /^(.+)\.(\d+)$/.exec(name) ?? [];
  if (type !== undefined && folder.formation.count(type) < Number(index)) await folder.formation.scale(type, Number(index), { start: false });
}

/** Offers one `procfile` configuration per process type (launch.json snippets, F5 in a fresh workspace)
 * and checks a configuration before its session starts. */
export class ProcfileConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(private readonly formations: Formations) {}

  provideDebugConfigurations(folder: vscode.WorkspaceFolder | undefined): ProcfileDebugConfiguration[] {
    const formations = folder ? this.formations.all().filter((f) => f.folder.uri.toString() === folder.uri.toString()) : this.formations.all();
    return formations.flatMap((f) =>
      f.formation.types
        .filter((t) => t.runnable)
        .map((t) => ({
          type: DEBUG_TYPE,
          request: 'launch',
          name: folder || this.formations.all().length === 1 ? vscode.l10n.t('Debug {0}', t.name) : vscode.l10n.t('Debug {0} ({1})', t.name, f.name),
          process: t.name,
          ...(folder ? {} : { folder: f.name }),
        })),
    );
  }

  /** F5 without launch.json (empty configuration): asks which process to debug. */
  async resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, configuration: ProcfileDebugConfiguration): Promise<ProcfileDebugConfiguration | undefined> {
    if (configuration.process !== undefined) return { ...configuration, type: DEBUG_TYPE, request: configuration.request ?? 'launch', name: configuration.name ?? vscode.l10n.t('Debug {0}', String(configuration.process)) };
    if (!checkTrust(this.formations)) return undefined;
    const target = await resolveTarget(this.formations, undefined, vscode.l10n.t('Debug which process type or instance?'));
    if (!target) return undefined;
    return { type: DEBUG_TYPE, request: 'launch', name: vscode.l10n.t('Debug {0}', target.name), process: target.name, folder: target.folder.name };
  }

  /** Refuses, with the reason, what cannot be debugged — before anything restarts. */
  async resolveDebugConfigurationWithSubstitutedVariables(folder: vscode.WorkspaceFolder | undefined, configuration: ProcfileDebugConfiguration): Promise<ProcfileDebugConfiguration | undefined> {
    if (!checkTrust(this.formations)) return undefined;
    const formation = this.formations.find(configuration.folder ?? folder?.uri.toString());
    if (!formation) {
      void vscode.window.showErrorMessage(configuration.folder ? vscode.l10n.t('Procfile: no Procfile in folder "{0}".', configuration.folder) : vscode.l10n.t('Procfile: no Procfile in this workspace.'));
      return undefined;
    }
    const name = typeof configuration.process === 'string' ? instanceName(formation, configuration.process) : undefined;
    if (!name) {
      const valid = formation.formation.types.filter((t) => t.runnable).map((t) => t.name).join(', ');
      void vscode.window.showErrorMessage(
        vscode.l10n.t('Procfile: "process" must name a process type or instance of {0} (it defines: {1}); got {2}.', vscode.workspace.asRelativePath(formation.procfileUri), valid || vscode.l10n.t('nothing'), JSON.stringify(configuration.process ?? null)),
      );
      return undefined;
    }
    const beyond = beyondCount(formation, name);
    if (beyond) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Procfile: {0}', beyond));
      return undefined;
    }
    const plan = planFor(formation, name, 0);
    if (!plan.ok) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Procfile: {0}', plan.reason));
      return undefined;
    }
    const attachType = plan.plan.kind === 'recipe' ? String(plan.plan.attach.type) : undefined;
    if (attachType !== undefined && plan.plan.kind === 'recipe' && plan.plan.extension === undefined && !debugTypes().has(attachType)) {
      void vscode.window.showErrorMessage(
        vscode.l10n.t('Procfile: no installed extension provides the debug type "{0}" of procfile.debugRecipes.{1}. Install it, or name it in the recipe\'s "extension".', attachType, name.replace(/\.\d+$/, '')),
      );
      return undefined;
    }
    if (!checkEnvFiles(formation)) return undefined;
    return { ...configuration, folder: formation.name };
  }
}

