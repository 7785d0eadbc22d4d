/**
 * A first Procfile for a workspace, guessed from the files it has (what "Create Procfile" writes).
 * Pure: the caller reads the files.
 */

/** What the scaffold looks at: `package.json` text, and which marker files exist. */
export interface WorkspaceHints {
  packageJson?: string;
  hasGemfileWithRails?: boolean;
  hasManagePy?: boolean;
  hasRequirementsTxt?: boolean;
}

/**
 * The Procfile text for a workspace: `web: npm start` when package.json has a start script (plus
 * `worker: npm run worker` when it has a worker script), `web: bin/rails server -p $PORT` for Rails,
 * `web: python manage.py runserver 127.0.0.1:$PORT` for Django, else a commented template.
 */
export function scaffoldProcfile(hints: WorkspaceHints): string {
  const header = '# Process types of this app, one per line: "name: command". PORT is set per instance.\n';
  const lines: string[] = [];
  const scripts = packageScripts(hints.packageJson);
  if (scripts.start !== undefined) lines.push('web: npm start');
  else if (scripts.dev !== undefined) lines.push('web: npm run dev');
  if (scripts.worker !== undefined) lines.push('worker: npm run worker');
  if (lines.length === 0 && hints.hasGemfileWithRails) lines.push('web: bin/rails server -p $PORT', '# worker: bundle exec sidekiq');
  if (lines.length === 0 && hints.hasManagePy) lines.push('web: python manage.py runserver 127.0.0.1:$PORT', '# worker: celery -A app worker');
  if (lines.length === 0) lines.push('# web: node server.js', '# worker: node worker.js');
  return header + lines.join('\n') + '\n';
}

function packageScripts(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  try {
    const scripts = (JSON.parse(text) as { scripts?: unknown }).scripts;
    return scripts !== null && typeof scripts === 'object' ? (scripts as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
