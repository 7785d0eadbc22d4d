/**
 * "Procfile: Export Formation…": pick a format, read the result in one read-only preview document
 * (`# --- file: NAME ---` before each file, warnings on top), then "Write to Folder…". Exports the
 * live counts of the formation (what the tree shows), the env files' variables and the stop timeout,
 * through the same core as `formation export`.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type CommandInput, folderOf } from './commands/targets';
import { Commands } from './constants';
import { loadEnvironment } from './core/environment';
import { EXPORT_FORMATS, type ExportFormat, exportFormation, exportPreview, type ExportResult } from './core/exportFormation';
import type { FolderFormation } from './folderFormation';
import type { Formations } from './formations';

/** The scheme of export previews (read-only virtual documents). */
export const EXPORT_SCHEME = 'procfile-export';

const FORMAT_PICKS: { format: ExportFormat; label: string; description: string; language: string }[] = [
  { format: 'compose', label: 'Docker Compose', description: vscode.l10n.t('compose.yaml: a service per type, deploy.replicas = count'), language: 'yaml' },
  { format: 'kubernetes', label: 'Kubernetes', description: vscode.l10n.t('a Deployment per type, a Service for web, ConfigMap and Secret'), language: 'yaml' },
  { format: 'systemd', label: 'systemd', description: vscode.l10n.t('a target and one unit per instance'), language: 'ini' },
  { format: 'supervisord', label: 'supervisord', description: vscode.l10n.t('a program per type with numprocs'), language: 'ini' },
];

/** Arguments of `procfile.exportFormation` (all optional: the command asks). */
export interface ExportArgs {
  format?: ExportFormat;
  folder?: string;
  image?: string;
}

/** Exports one folder's formation as the tree shows it, for files written to `outputDir`. */
export function exportFolder(folder: FolderFormation, format: ExportFormat, outputDir: string, image?: string): ExportResult {
  const config = folder.config;
  // Only the env files' variables (never the editor's environment), as `formation export` does.
  const files = loadEnvironment({}, config.envFiles.filter((f) => f.found).map((f) => ({ path: f.path, explicit: false })));
  return exportFormation(format, {
    app: folder.name,
    root: config.config.root,
    outputDir,
    types: config.procfile.types,
    counts: folder.formation.countsByType(),
    basePort: config.config.basePort,
    env: files.fromFiles,
    stopTimeoutS: config.stopTimeoutS,
    image,
  });
}

/** Serves preview documents by URI (`procfile-export:/<folder>/<format>.txt?<n>`). */
class ExportPreviews implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
  add(text: string, folder: string, format: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: EXPORT_SCHEME, path: `/${folder}/${format} export`, query: String(this.texts.size + 1) });
    this.texts.set(uri.toString(), text);
    return uri;
  }
}

/** Writes an export's files; env files keep mode 0600 even when they existed. @returns the paths written */
export function writeExport(result: ExportResult, outputDir: string): string[] {
  mkdirSync(outputDir, { recursive: true });
  return result.files.map((file) => {
    const target = path.join(outputDir, file.name);
    writeFileSync(target, file.content, { mode: file.mode ?? 0o644 });
    if (file.mode !== undefined) chmodSync(target, file.mode);
    return target;
  });
}

/** Registers the preview scheme and `procfile.exportFormation`. */
export function registerExport(context: vscode.ExtensionContext, formations: Formations): void {
  const previews = new ExportPreviews();
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(EXPORT_SCHEME, previews),
    vscode.commands.registerCommand(Commands.exportFormation, async (input?: ExportArgs & CommandInput): Promise<vscode.Uri | undefined> => {
      const folder = folderOf(formations, input);
      if (!folder) return undefined;
      let pick = FORMAT_PICKS.find((p) => p.format === input?.format);
      if (input?.format !== undefined && !pick) {
        void vscode.window.showErrorMessage(vscode.l10n.t('Procfile: unknown export format "{0}" (formats: {1}).', input.format, EXPORT_FORMATS.join(', ')));
        return undefined;
      }
      pick ??= await vscode.window.showQuickPick(FORMAT_PICKS, { placeHolder: vscode.l10n.t('Export the formation of {0} ({1}) to…', folder.name, [...folder.formation.countsByType()].map(([t, n]) => `${t}=${n}`).join(', ')) });
      if (!pick) return undefined;
      const defaultDir = path.join(folder.config.config.root, 'deploy', pick.format);
      let result: ExportResult;
      try {
        result = exportFolder(folder, pick.format, defaultDir, input?.image);
      } catch (error) {
        void vscode.window.showErrorMessage(vscode.l10n.t('Procfile: cannot export: {0}', (error as Error).message));
        return undefined;
      }
      const warnings = result.warnings.map((w) => `# warning: ${w}\n`).join('');
      const uri = previews.add(`${warnings}${warnings ? '\n' : ''}${exportPreview(result)}`, folder.name, pick.format);
      const document = await vscode.languages.setTextDocumentLanguage(await vscode.workspace.openTextDocument(uri), pick.language);
      await vscode.window.showTextDocument(document, { preview: true });
      const chosen = pick;
      const writeLabel = vscode.l10n.t('Write to Folder…');
      void vscode.window.showInformationMessage(vscode.l10n.t('Procfile: {0} export of {1}: {2} files.', chosen.label, folder.name, result.files.length), writeLabel).then(async (choice) => {
        if (choice !== writeLabel) return;
        const [target] = (await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, defaultUri: vscode.Uri.file(path.dirname(defaultDir)), openLabel: vscode.l10n.t('Write Here') })) ?? [];
        if (!target) return;
        try {
          // The files name their own folder (systemd's EnvironmentFile=…): export again for it.
          const written = writeExport(exportFolder(folder, chosen.format, target.fsPath, input?.image), target.fsPath);
          void vscode.window.showInformationMessage(vscode.l10n.t('Procfile: wrote {0} to {1}.', written.map((p) => path.basename(p)).join(', '), vscode.workspace.asRelativePath(target)));
        } catch (error) {
          void vscode.window.showErrorMessage(vscode.l10n.t('Procfile: cannot write the export: {0}', (error as Error).message));
        }
      });
      return uri;
    }),
  );
}
