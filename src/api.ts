/**
 * The API `activate()` returns, for tests and other extensions:
 * `getSnapshot()` lists every instance of every folder; `onDidChange` fires when any of it changes.
 */
import type * as vscode from 'vscode';
import type { InstanceState } from './core/instance';
import type { Formations } from './formations';

/** One instance, as the API reports it. */
export interface ProcfileInstanceSnapshot {
  /** The workspace folder's name. */
  folder: string;
  /** `web.1`. */
  name: string;
  type: string;
  /** 1-based. */
  index: number;
  state: InstanceState;
  /** The process-group leader's PID while it runs, else null. */
  pid: number | null;
  port: number;
  exitCode: number | null;
  signal: string | null;
  restarts: number;
  gaveUp: boolean;
  /** Runs under a debugger (a `procfile` debug session). */
  debugging: boolean;
}

/** The extension's public API. */
export interface ProcfileFormationApi {
  getSnapshot(): ProcfileInstanceSnapshot[];
  onDidChange: vscode.Event<void>;
}

/** Builds the API over the workspace's formations. */
export function createApi(formations: Formations): ProcfileFormationApi {
  return {
    getSnapshot: () =>
      formations.snapshot().map(({ folder, instance }) => ({
        folder: folder.name,
        name: instance.name,
        type: instance.type,
        index: instance.index,
        state: instance.state,
        pid: ['starting', 'running', 'stopping'].includes(instance.state) ? (instance.pid ?? null) : null,
        port: instance.port,
        exitCode: instance.exitCode ?? null,
        signal: instance.signal ?? null,
        restarts: instance.restarts,
        gaveUp: instance.gaveUp,
        debugging: instance.debugging,
      })),
    onDidChange: formations.onDidChange,
  };
}
