/**
 * Debugging one instance while the rest of the formation keeps running: the `procfile` debug type
 * (launch.json, F5, the tree's Debug action and `procfile.debug` all start one), its configuration
 * provider, and its adapter.
 *
 * A `procfile` session is a small in-process debug adapter that owns nothing but the lifecycle: its
 * launch restarts the chosen instance under the debugger through the supervisor (which keeps owning
 * the process and its output); the real debuggers attach as its child sessions — js-debug once per
 * Node.js process that announces an inspector in the instance's output (launchers such as npm are
 * skipped), or a recipe's attach configuration once its port listens. Ending the session returns the
 * instance to a normal run; stopping the instance ends the session. See docs/decisions.md (entry 13).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { checkEnvFiles, checkTrust } from './commands/lifecycle';
import { type CommandInput, resolveTarget } from './commands/targets';
import { Commands, DEBUG_TYPE, Settings } from './constants';
import {
  type DebugPlan,
  type DebugPlanResult,
  type DebugRecipeSetting,
  freeLoopbackPort,
  type InspectorAddress,
  isLauncherScript,
  listInspectorTargets,
  parseInspectorLine,
  planDebug,
  waitForListening,
} from './core/debug';
import type { FolderFormation } from './folderFormation';
import type { Formations } from './formations';

/** A `procfile` launch configuration (launch.json). */
export interface ProcfileDebugConfiguration extends vscode.DebugConfiguration {
  /** A process type (`web`: its instance 1) or an instance (`web.2`). */
  process?: string;
  /** In multi-root workspaces: the folder's name (defaults to the folder the configuration belongs to). */
  folder?: string;
}

/** How long (ms) a recipe's debugger may take to listen before the user is told. */
const RECIPE_LISTEN_TIMEOUT_MS = 60_000;
/** How long (ms) after the start with no Node.js inspector announced before the user is told. */
const NO_INSPECTOR_WARNING_MS = 30_000;

/** The instance a type or instance name means: a type is its instance 1. */
function instanceName(folder: FolderFormation, process: string): string | undefined {
  if (folder.formation.types.some((t) => t.name === process && t.runnable)) return `${process}.1`;
  const match = /^(.+)\.(\d+)$/.exec(process);
  if (match && folder.formation.types.some((t) => t.name === match[1] && t.runnable) && Number(match[2]) >= 1) return process;
  return undefined;
}

/** Why an instance above its type's count cannot be debugged (debugging never scales a type up, except
 * a type at 0 to its instance 1), or undefined when it can. */
function beyondCount(folder: FolderFormation, name: string): string | undefined {
  const [, type, index] = /^(.+)\.(\d+)$/.exec(name) ?? [];
  const count = folder.formation.count(type);
  if (Number(index) === 1 || Number(index) <= count) return undefined;
  return vscode.l10n.t('{0} does not exist: {1} is scaled to {2}. Scale it up first, or debug {1}.1.', name, type, count);
}

/** Debug types contributed by the installed extensions (`contributes.debuggers[].type`). */
function debugTypes(): Set<string> {
  const types = new Set<string>();
  for (const extension of vscode.extensions.all) {
    const debuggers = (extension.packageJSON as { contributes?: { debuggers?: { type?: string }[] } })?.contributes?.debuggers ?? [];
    for (const debuggerEntry of debuggers) if (typeof debuggerEntry.type === 'string') types.add(debuggerEntry.type);
  }
  return types;
}

/** The `procfile.debugRecipes` setting of a folder. */
function recipesOf(folder: FolderFormation): Record<string, DebugRecipeSetting | undefined> {
  const value = vscode.workspace.getConfiguration(Settings.section, folder.folder.uri).get<unknown>(Settings.debugRecipes);
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, DebugRecipeSetting>) : {};
}

/** The plan for debugging an instance's type; `port` is a fresh loopback port for recipes. */
function planFor(folder: FolderFormation, name: string, port: number): DebugPlanResult {
  const type = name.replace(/\.\d+$/, '');
  const command = folder.formation.types.find((t) => t.name === type)?.command ?? '';
  return planDebug(type, command, recipesOf(folder), port);
}

/** One `procfile` debug session: the instance it debugs and the child sessions attached to it. */
class DebugRun {
  private readonly children = new Set<vscode.DebugSession>();
  private readonly attached = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];
  private ended = false;
  /** Set when the instance stopped (or a new session took it over): ending must not restart it. */
  private released = false;
  private inspectorTimer: NodeJS.Timeout | undefined;
  private recipeAttempt = 0;

  constructor(
    readonly session: vscode.DebugSession,
    readonly folder: FolderFormation,
    readonly name: string,
    private readonly plan: DebugPlan,
    private readonly adapter: ProcfileDebugAdapter,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Restarts the instance under the debugger and starts watching for what to attach to. */
  async start(): Promise<void> {
    const formation = this.folder.formation;
    if (this.plan.kind === 'node') {
      const onOutput = (name: string, _type: string, lines: string[]) => {
        if (name !== this.name) return;
        for (const line of lines) {
          const address = parseInspectorLine(line);
          if (address) void this.attachNode(address);
        }
      };
      formation.on('output', onOutput);
      this.disposables.push({ dispose: () => formation.off('output', onOutput) });
      this.inspectorTimer = setTimeout(() => {
        if (this.attached.size === 0 && !this.ended) {
          this.log.warn(`No Node.js process of ${this.name} announced an inspector within ${NO_INSPECTOR_WARNING_MS / 1000} s (a "Debugger listening on ws://…" line). Does its command start Node.js, and keep NODE_OPTIONS? See its terminal.`);
          this.tell(
            vscode.l10n.t('No Node.js process of {0} announced an inspector within {1} s (a "Debugger listening on ws://…" line). Does its command start Node.js, and keep NODE_OPTIONS? See its terminal.', this.name, NO_INSPECTOR_WARNING_MS / 1000),
            'warning',
          );
        }
      }, NO_INSPECTOR_WARNING_MS);
    } else {
      const onStarted = (snapshot: { name: string }) => snapshot.name === this.name && void this.attachRecipe();
      formation.on('started', onStarted);
      this.disposables.push({ dispose: () => formation.off('started', onStarted) });
    }
    const onChange = () => {
      const current = formation.snapshot().find((i) => i.name === this.name);
      if (this.ended) return;
      if (!current?.debugging) {
        // Stopped (Stop, Stop All, scaled down, removed from the Procfile): the session ends with it.
        this.released = true;
        this.adapter.terminate();
      } else if (current.state === 'exited' || current.state === 'crashed') {
        // It ended for good (completed, or crashed with no restart to come): so does the session.
        const how = current.signal ?? `code ${current.exitCode ?? '?'}`;
        this.log.info(`${this.name}: ${current.state} (${how}) while debugged; ending the debug session`);
        if (current.state === 'crashed') this.tell(vscode.l10n.t('{0} crashed ({1}) while debugged; the debug session ends. See its terminal.', this.name, how), 'warning');
        else this.adapter.output(vscode.l10n.t('{0} exited ({1}); the debug session ends.', this.name, how) + '\n');
        this.released = true;
        void formation.endDebug(this.name);
        this.adapter.terminate();
      }
    };
    const ok = await formation.debug(this.name, this.plan.launch);
    if (!ok) throw new Error(vscode.l10n.t('{0} is not an instance of this formation', this.name));
    formation.on('change', onChange);
    this.disposables.push({ dispose: () => formation.off('change', onChange) });
    this.log.info(`${this.name}: debugging (${this.plan.kind === 'node' ? 'Node.js inspector' : `${this.plan.recipe} recipe on 127.0.0.1:${this.plan.port}`})`);
  }

  /** A child session ended by itself (its process exited); a restarted process is attached again. */
  childEnded(session: vscode.DebugSession): boolean {
    return this.children.delete(session);
  }

  /** True when `session` is one of this run's attached debuggers. */
  owns(session: vscode.DebugSession): boolean {
    return this.children.has(session);
  }

  /** Records a debugger session started under this one. */
  adopt(session: vscode.DebugSession): void {
    this.children.add(session);
    if (this.ended) void vscode.debug.stopDebugging(session);
  }

  /** Restarts the instance under the debugger (the toolbar's Restart). */
  async restart(): Promise<void> {
    await this.folder.formation.debug(this.name, this.plan.launch);
  }

  /** A newer session debugs the same instance: end this one without restarting the instance. */
  release(): void {
    this.released = true;
    this.adapter.terminate();
  }

  /** The session is over (the user stopped it, or the instance stopped): detach, and unless the
   * instance was stopped or taken over, return it to a normal run. */
  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.inspectorTimer);
    for (const disposable of this.disposables) disposable.dispose();
    await Promise.all([...this.children].map((child) => Promise.resolve(vscode.debug.stopDebugging(child)).catch(() => undefined)));
    this.children.clear();
    if (!this.released) {
      this.log.info(`${this.name}: debug session ended; restarting without the debugger`);
      await this.folder.formation.endDebug(this.name);
    }
  }

  private async attachNode(address: InspectorAddress): Promise<void> {
    if (this.ended || this.attached.has(address.websocketUrl)) return;
    this.attached.add(address.websocketUrl);
    clearTimeout(this.inspectorTimer);
    if (address.host !== '127.0.0.1' && address.host !== 'localhost' && address.host !== '[::1]') {
      this.log.warn(`${this.name}: an inspector listens on ${address.host}:${address.port}, not only on 127.0.0.1 — its command line sets --inspect itself, which wins over NODE_OPTIONS.`);
      this.tell(vscode.l10n.t('{0}: an inspector listens on {1}:{2}, not only on 127.0.0.1 — its command line sets --inspect itself, which wins over NODE_OPTIONS.', this.name, address.host, address.port), 'warning');
    }
    let script = '';
    try {
      const [target] = await listInspectorTargets(address.port, 2000, address.host === 'localhost' ? '127.0.0.1' : address.host);
      script = target?.url ?? '';
    } catch (error) {
      this.log.warn(`${this.name}: inspector on ${address.host}:${address.port} did not answer: ${(error as Error).message}`);
      this.tell(vscode.l10n.t('{0}: the inspector announced on {1}:{2} did not answer ({3}); not attached.', this.name, address.host, address.port, (error as Error).message), 'warning');
      return;
    }
    if (isLauncherScript(script)) {
      this.log.info(`${this.name}: not attaching to launcher ${path.basename(script)} (port ${address.port})`);
      return;
    }
    if (this.ended) return;
    const label = script ? path.basename(decodeURIComponent(script.replace(/^file:\/\//, ''))) : vscode.l10n.t('port {0}', address.port);
    const configuration: vscode.DebugConfiguration = {
      type: 'pwa-node',
      request: 'attach',
      name: `${this.name}: ${label}`,
      websocketAddress: address.websocketUrl,
      continueOnAttach: true,
      localRoot: this.folder.config.config.root,
      cwd: this.folder.config.config.root,
    };
    await this.startChild(configuration);
  }

  private async attachRecipe(): Promise<void> {
    if (this.plan.kind !== 'recipe') return;
    const plan = this.plan;
    // One wait at a time: a restart (a crash loop) replaces the previous wait instead of adding one.
    const attempt = ++this.recipeAttempt;
    const stale = () => this.ended || attempt !== this.recipeAttempt;
    const listening = await waitForListening(plan.port, RECIPE_LISTEN_TIMEOUT_MS, stale);
    if (stale()) return;
    if (!listening) {
      this.log.error(`${this.name} did not open its debugger on 127.0.0.1:${plan.port} within ${RECIPE_LISTEN_TIMEOUT_MS / 1000} s (${plan.recipe} recipe). See its terminal.`);
      this.tell(vscode.l10n.t('{0} did not open its debugger on 127.0.0.1:{1} within {2} s ({3} recipe). See its terminal.', this.name, plan.port, RECIPE_LISTEN_TIMEOUT_MS / 1000, plan.recipe), 'error');
      return;
    }
    this.log.info(`${this.name}: listening for a debugger on 127.0.0.1:${plan.port}`);
    if (plan.extension && !vscode.extensions.getExtension(plan.extension)) {
      const what = plan.extensionName ? `the "${plan.extensionName}" extension (${plan.extension})` : `the extension ${plan.extension}`;
      this.log.warn(`${this.name} is listening for a debugger on 127.0.0.1:${plan.port}, but ${what} is not installed. Install it to attach from VS Code.`);
      this.tell(
        plan.extensionName
          ? vscode.l10n.t('{0} is listening for a debugger on 127.0.0.1:{1}, but the "{2}" extension ({3}) is not installed. Install it to attach from VS Code.', this.name, plan.port, plan.extensionName, plan.extension)
          : vscode.l10n.t('{0} is listening for a debugger on 127.0.0.1:{1}, but the extension {2} is not installed. Install it to attach from VS Code.', this.name, plan.port, plan.extension),
        'warning',
        plan.extension,
      );
      return;
    }
    await this.startChild({ ...plan.attach, name: `${this.name} (${plan.recipe})` } as vscode.DebugConfiguration);
  }

  private async startChild(configuration: vscode.DebugConfiguration): Promise<void> {
    try {
      const ok = await vscode.debug.startDebugging(this.folder.folder, configuration, { parentSession: this.session, lifecycleManagedByParent: true, compact: true });
      if (!ok) {
        this.log.error(`Could not attach the "${configuration.type}" debugger to ${this.name}.`);
        this.tell(vscode.l10n.t('Could not attach the "{0}" debugger to {1}.', configuration.type, this.name), 'error');
      }
    } catch (error) {
      this.log.error(`Could not attach the "${configuration.type}" debugger to ${this.name}: ${(error as Error).message}`);
      this.tell(vscode.l10n.t('Could not attach the "{0}" debugger to {1}: {2}', configuration.type, this.name, (error as Error).message), 'error');
    }
    if (this.ended) for (const child of this.children) void vscode.debug.stopDebugging(child);
  }

  /**
   * Tells the user, in the Debug Console and a notification (with "Show Extension" when one is
   * missing). `message` is localized; callers log the English text themselves (the log stays English).
   */
  private tell(message: string, level: 'warning' | 'error', extension?: string): void {
    this.adapter.output(`${message}\n`, level === 'error' ? 'stderr' : 'console');
    const show = level === 'error' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
    const showExtension = vscode.l10n.t('Show Extension');
    const actions = extension ? [showExtension] : [];
    void show(vscode.l10n.t('Procfile: {0}', message), ...actions).then((choice) => {
      if (choice === showExtension && extension) void vscode.commands.executeCommand('workbench.extensions.search', `@id:${extension}`);
    });
  }
}

/** A minimal Debug Adapter Protocol implementation that runs in the extension host. */
type DapMessage = { seq: number; type: string; command?: string; arguments?: Record<string, unknown> };

/**
 * The `procfile` debug adapter: answers the DAP lifecycle (initialize, launch, configurationDone,
 * disconnect/terminate) and shows no threads of its own; its child sessions do the debugging.
 */
class ProcfileDebugAdapter implements vscode.DebugAdapter {
  private readonly emitter = new vscode.EventEmitter<vscode.DebugProtocolMessage>();
  readonly onDidSendMessage = this.emitter.event;
  private seq = 1;
  private terminatedSent = false;

  constructor(private readonly controller: DebugController, private readonly session: vscode.DebugSession) {}

  handleMessage(message: vscode.DebugProtocolMessage): void {
    const request = message as DapMessage;
    if (request.type !== 'request') return;
    switch (request.command) {
      case 'initialize':
        this.respond(request, { supportsConfigurationDoneRequest: true, supportsTerminateRequest: true, supportsRestartRequest: true });
        this.event('initialized');
        return;
      case 'launch':
      case 'attach':
        this.controller.launch(this.session, this).then(
          () => this.respond(request),
          (error: unknown) => this.fail(request, (error as Error)?.message ?? String(error)),
        );
        return;
      case 'threads':
        this.respond(request, { threads: [] });
        return;
      case 'restart':
        // The toolbar's Restart: the instance restarts under the debugger, the session goes on.
        this.controller.restart(this.session).then(
          () => this.respond(request),
          (error: unknown) => this.fail(request, (error as Error)?.message ?? String(error)),
        );
        return;
      case 'terminate':
      case 'disconnect':
        // Answer at once: VS Code cancels requests still pending when the session shuts down. The
        // children are detached and the instance restarted in the background.
        this.respond(request);
        if (request.command === 'terminate') this.terminate();
        void this.controller.end(this.session);
        return;
      default:
        this.respond(request);
    }
  }

  /** Ends the session from our side (the instance stopped). */
  terminate(): void {
    if (this.terminatedSent) return;
    this.terminatedSent = true;
    this.event('terminated');
  }

  /** Writes to the Debug Console. */
  output(text: string, category: 'console' | 'stderr' | 'stdout' = 'console'): void {
    this.event('output', { category, output: text });
  }

  dispose(): void {
    this.emitter.dispose();
  }

  private respond(request: DapMessage, body?: unknown): void {
    this.emitter.fire({ seq: this.seq++, type: 'response', request_seq: request.seq, command: request.command, success: true, body } as vscode.DebugProtocolMessage);
  }

  private fail(request: DapMessage, message: string): void {
    this.emitter.fire({ seq: this.seq++, type: 'response', request_seq: request.seq, command: request.command, success: false, message, body: { error: { id: 1, format: message, showUser: true } } } as vscode.DebugProtocolMessage);
  }

  private event(event: string, body?: unknown): void {
    this.emitter.fire({ seq: this.seq++, type: 'event', event, body } as vscode.DebugProtocolMessage);
  }
}

/** Owns the `procfile` debug sessions of the window. */
class DebugController implements vscode.Disposable {
  private readonly runs = new Map<vscode.DebugSession, DebugRun>();

  constructor(private readonly formations: Formations, private readonly log: vscode.LogOutputChannel) {}

  /** The launch request of a `procfile` session: restart its instance under the debugger.
   * @throws Error with a user-facing message when it cannot (shown by VS Code) */
  async launch(session: vscode.DebugSession, adapter: ProcfileDebugAdapter): Promise<void> {
    const configuration = session.configuration as ProcfileDebugConfiguration;
    const folder = this.formations.find(configuration.folder ?? session.workspaceFolder?.uri.toString());
    if (!this.formations.canRun) throw new Error(vscode.l10n.t('This workspace is not trusted, so its Procfile is not run.'));
    if (!folder) throw new Error(vscode.l10n.t('No Procfile in this workspace.'));
    const name = configuration.process === undefined ? undefined : instanceName(folder, configuration.process);
    if (!name) throw new Error(vscode.l10n.t('Unknown process "{0}" in {1}.', configuration.process ?? '', vscode.workspace.asRelativePath(folder.procfileUri)));
    const beyond = beyondCount(folder, name);
    if (beyond) throw new Error(beyond);
    await ensureInstance(folder, name);
    const result = planFor(folder, name, await freeLoopbackPort());
    if (!result.ok) throw new Error(result.reason);
    for (const run of this.runs.values()) if (run.folder === folder && run.name === name) run.release();
    const run = new DebugRun(session, folder, name, result.plan, adapter, this.log);
    this.runs.set(session, run);
    await run.start();
  }

  /** The toolbar's Restart: restart the instance under the debugger, keeping the session. */
  async restart(session: vscode.DebugSession): Promise<void> {
    await this.runs.get(session)?.restart();
  }

  /** A session started under one of ours (a debugger attached to a debugged instance, or its own
   * children): it is stopped with ours. */
  adopt(session: vscode.DebugSession): void {
    for (let parent = session.parentSession; parent; parent = parent.parentSession) {
      const run = this.runs.get(parent);
      if (run) return run.adopt(session);
    }
  }

  /** The session is ending: detach and return the instance to a normal run. */
  async end(session: vscode.DebugSession): Promise<void> {
    const run = this.runs.get(session);
    if (!run) return;
    this.runs.delete(session);
    await run.end();
  }

  /** Forget a child session that ended by itself. */
  childTerminated(session: vscode.DebugSession): void {
    for (const run of this.runs.values()) if (run.childEnded(session)) return;
  }

  dispose(): void {
    for (const session of this.runs.keys()) void vscode.debug.stopDebugging(session);
  }
}

/** Makes sure instance `name` exists: debugging a type scaled to 0 scales it to 1 — without starting
 * it normally first (the debug launch starts it). */
async function ensureInstance(folder: FolderFormation, name: string): Promise<void> {
  if (folder.formation.snapshot().some((i) => i.name === name)) return;
  const [, type, index] = /^(.+)\.(\d+)$/.exec(name) ?? [];
  if (type !== undefined && folder.formation.count(type) < Number(index)) await folder.formation.scale(type, Number(index), { start: false });
}

/** Offers one `procfile` configuration per process type (launch.json snippets, F5 in a fresh workspace)
 * and checks a configuration before its session starts. */
class ProcfileConfigurationProvider implements vscode.DebugConfigurationProvider {
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

/** Registers the `procfile` debug type (provider and adapter) and the `procfile.debug` command. */
export function registerDebugging(context: vscode.ExtensionContext, formations: Formations, log: vscode.LogOutputChannel): void {
  const controller = new DebugController(formations, log);
  const provider = new ProcfileConfigurationProvider(formations);
  context.subscriptions.push(
    controller,
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, provider, vscode.DebugConfigurationProviderTriggerKind.Initial),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, { provideDebugConfigurations: (folder) => provider.provideDebugConfigurations(folder) }, vscode.DebugConfigurationProviderTriggerKind.Dynamic),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, {
      createDebugAdapterDescriptor: (session) => new vscode.DebugAdapterInlineImplementation(new ProcfileDebugAdapter(controller, session)),
    }),
    vscode.debug.onDidStartDebugSession((session) => controller.adopt(session)),
    vscode.debug.onDidTerminateDebugSession((session) => {
      if (session.type === DEBUG_TYPE) void controller.end(session);
      else controller.childTerminated(session);
    }),
    vscode.commands.registerCommand(Commands.debug, async (input?: CommandInput): Promise<boolean> => {
      if (!checkTrust(formations)) return false;
      const target = await resolveTarget(formations, input, vscode.l10n.t('Debug which process type or instance?'));
      if (!target) return false;
      const process = target.kind === 'type' ? `${target.name}.1` : target.name;
      const configuration: ProcfileDebugConfiguration = { type: DEBUG_TYPE, request: 'launch', name: vscode.l10n.t('Debug {0}', process), process, folder: target.folder.name };
      return vscode.debug.startDebugging(target.folder.folder, configuration);
    }),
  );
}
