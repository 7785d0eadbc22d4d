/**
 * Every identifier the manifest (package.json) and the code share: command ids, view ids, context
 * keys, tree item contextValues, setting names. A unit test checks package.json against this file.
 */

/** Command ids (category "Procfile"). */
export const Commands = {
  startAll: 'procfile.startAll',
  stopAll: 'procfile.stopAll',
  restartAll: 'procfile.restartAll',
  start: 'procfile.start',
  stop: 'procfile.stop',
  restart: 'procfile.restart',
  scale: 'procfile.scale',
  scaleUp: 'procfile.scaleUp',
  scaleDown: 'procfile.scaleDown',
  showOutput: 'procfile.showOutput',
  showTerminal: 'procfile.showTerminal',
  openProcfile: 'procfile.openProcfile',
  refresh: 'procfile.refresh',
  saveFormation: 'procfile.saveFormation',
  createProcfile: 'procfile.createProcfile',
  showLog: 'procfile.showLog',
  debug: 'procfile.debug',
  openEnvFile: 'procfile.openEnvFile',
  exportFormation: 'procfile.exportFormation',
} as const;

/** View container and view ids. */
export const Views = {
  container: 'procfile',
  processes: 'procfile.processes',
} as const;

/** Context keys set with `setContext`, used in when-clauses. */
export const ContextKeys = {
  /** True when a workspace folder has a Procfile. */
  hasProcfile: 'procfile.hasProcfile',
  /** True when some folder's Procfile has a process type that can run. */
  hasRunnable: 'procfile.hasRunnable',
  /** True when something runs. */
  running: 'procfile.running',
} as const;

/**
 * Tree item contextValues. State is encoded so menus fit it, e.g. `procfile.instance.running`;
 * when-clauses match with regular expressions such as `viewItem =~ /^procfile\.instance\.(running|starting)/`.
 */
export const ContextValues = {
  folder: 'procfile.folder',
  type: (running: boolean) => (running ? 'procfile.type.running' : 'procfile.type.stopped'),
  /** `procfile.instance.running`, or `procfile.instance.running.debugging` while debugged. */
  instance: (state: string, debugging = false) => `procfile.instance.${state}${debugging ? '.debugging' : ''}`,
  problem: 'procfile.problem',
  envFile: 'procfile.envFile',
} as const;

/** Setting names under the `procfile.` section. */
export const Settings = {
  section: 'procfile',
  path: 'path',
  envFiles: 'envFiles',
  env: 'env',
  basePort: 'basePort',
  formation: 'formation',
  stopTimeout: 'stopTimeout',
  restart: 'restart',
  autoStart: 'autoStart',
  outputTimestamps: 'outputTimestamps',
  debugRecipes: 'debugRecipes',
} as const;

/** Settings that decide what runs: restricted in untrusted workspaces. */
export const RUN_SETTINGS = [Settings.path, Settings.envFiles, Settings.env, Settings.basePort, Settings.formation, Settings.stopTimeout, Settings.restart, Settings.autoStart, Settings.debugRecipes];

/** The debug type of launch.json configurations that debug one instance (`"type": "procfile"`). */
export const DEBUG_TYPE = 'procfile';

/** The task type of `tasks.json` entries that run one process type (`"type": "procfile"`). */
export const TASK_TYPE = 'procfile';

/** The language id of Procfiles (files named `Procfile` and `Procfile.*`). */
export const LANGUAGE_ID = 'procfile';

/** Workspace-state key for the live counts, per folder URI. */
export const FORMATION_STATE_KEY = 'procfile.formation.counts';
