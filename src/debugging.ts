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
import * as vscode from 'vscode';
import { checkTrust } from './commands/lifecycle';
import { type CommandInput, resolveTarget } from './commands/targets';
import { Commands, DEBUG_TYPE } from './constants';
import { freeLoopbackPort } from './core/debug';
import { beyondCount, ensureInstance, instanceName, planFor, ProcfileConfigurationProvider, type ProcfileDebugConfiguration } from './debugConfiguration';
import { DebugRun, type SessionOutput } from './debugRun';
import type { Formations } from './formations';

/** A minimal Debug Adapter Protocol implementation that runs in the extension host. */
type DapMessage = { seq: number; type: string; command?: string; arguments?: Record<string, unknown> };

/**
 * The `procfile` debug adapter: answers the DAP lifecycle (initialize, launch, configurationDone,
 * disconnect/terminate) and shows no threads of its own; its child sessions do the debugging.
 */
class ProcfileDebugAdapter implements vscode.DebugAdapter, SessionOutput {
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
