/**
 * Exporting a formation to engines that run it on many machines: systemd, supervisord, Docker
 * Compose and Kubernetes. Pure: returns files (names, text, mode) and warnings; the caller writes
 * them. The formation exported is exactly the one that runs here: process types in Procfile order,
 * their counts, Foreman's PORT rule, the variables of the env files (normalised for each target,
 * never the inherited environment), the stop timeout.
 */
import { exportCompose } from './export/compose';
import { ExportError, type ExportFile, type ExportInput, type ExportResult } from './export/common';
import { exportKubernetes } from './export/kubernetes';
import { exportSupervisord } from './export/supervisord';
import { exportSystemd } from './export/systemd';

export { ExportError };
export type { ExportFile, ExportInput, ExportResult };

/** The formats `formation export` and the extension know. */
export const EXPORT_FORMATS = ['systemd', 'supervisord', 'compose', 'kubernetes'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Exports a formation. @throws ExportError (see there) */
export function exportFormation(format: ExportFormat, given: ExportInput): ExportResult {
  // PORT and PS are assigned per instance (as when the formation runs here): an env file's PORT is the
  // base port, never a value to pass on (systemd's EnvironmentFile= would override each unit's PORT).
  const env = Object.fromEntries(Object.entries(given.env).filter(([key]) => key !== 'PORT' && key !== 'PS'));
  const input = { ...given, env };
  switch (format) {
    case 'systemd':
      return exportSystemd(input);
    case 'supervisord':
      return exportSupervisord(input);
    case 'compose':
      return exportCompose(input);
    case 'kubernetes':
      return exportKubernetes(input);
  }
}

/** The text of a multi-file export as one document: `# --- file: NAME ---` before each file. */
export function exportPreview(result: ExportResult): string {
  return result.files.map((file) => `# --- file: ${file.name} ---\n${file.content.endsWith('\n') ? file.content : `${file.content}\n`}`).join('\n');
}
