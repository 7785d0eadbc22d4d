/**
 * One `procfile` debug session's work: restart the instance under the debugger, watch its output
 * for Node.js inspectors (or wait for a recipe's port), attach the real debuggers as child sessions,
 * and end — returning the instance to a normal run unless it was stopped. See docs/decisions.md #13.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type DebugPlan, type InspectorAddress, isLauncherScript, listInspectorTargets, parseInspectorLine, waitForListening } from './core/debug';
import type { FolderFormation } from './folderFormation';

/** What a run tells its `procfile` session: end it, or write to the Debug Console. */
export interface SessionOutput {
  terminate(): void;
  output(text: string, category?: 'console' | 'stderr' | 'stdout'): void;
}

/** How long (ms) a recipe's debugger may take to listen before the user is told. */
const RECIPE_LISTEN_TIMEOUT_MS = 60_000;
/** How long (ms) after the start with no Node.js inspector announced before the user is told. */
const NO_INSPECTOR_WARNING_MS = 30_000;

/** One `procfile` debug session: the instance it debugs and the child sessions attached to it. */
export class DebugRun {
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
    private readonly adapter: SessionOutput,
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

