/**
 * What happens when an instance's process exits by itself: complete, restart after a backoff, or
 * give up. Pure, so the rule is tested without processes.
 */
import { constants } from 'node:os';

/** `on-failure` (default): restart crashes only; `always`: restart on exit 0 too; `never`. */
export type RestartPolicy = 'on-failure' | 'always' | 'never';
export const RESTART_POLICIES: readonly RestartPolicy[] = ['on-failure', 'always', 'never'];

/** Restarts in a row before giving up. */
export const MAX_RESTARTS = 5;
/** First backoff delay, ms; doubles per consecutive restart (1, 2, 4, 8, 16 s). */
export const FIRST_BACKOFF_MS = 1000;
/** Longest backoff delay, ms. */
export const MAX_BACKOFF_MS = 30_000;
/** A run at least this long (ms) resets the consecutive-restart count. */
export const HEALTHY_RUN_MS = 60_000;

/** How a process ended: `code` for a normal exit, `signal` when killed by one. */
export interface ExitStatus {
  code: number | undefined;
  signal: string | undefined;
}

/** The decision for one exit. `streak` is the new count of consecutive restarts. */
export type ExitDecision =
  | { action: 'complete'; streak: number }
  | { action: 'restart'; delayMs: number; streak: number }
  | { action: 'give-up'; reason: 'cannot-run' | 'too-many-restarts' | 'policy'; streak: number };

/**
 * Decides what follows an exit the user did not ask for.
 * Rule: exit 0 completes (a `release` task does not stop the others) unless the policy is `always`,
 * which restarts it after the same backoff, without limit;
 * 126/127 (the shell could not run the command) give up at once; otherwise restart after
 * 1, 2, 4, 8, 16 s (capped at 30 s), resetting the count after a 60 s run, and give up after 5
 * restarts in a row.
 *
 * @param streak consecutive restarts so far
 * @param uptimeMs how long this run lasted, in ms (already divided by any test time scale)
 */
export function decideAfterExit(status: ExitStatus, policy: RestartPolicy, streak: number, uptimeMs: number): ExitDecision {
  const current = uptimeMs >= HEALTHY_RUN_MS ? 0 : streak;
  const failed = status.signal !== undefined || status.code !== 0;
  if (!failed && policy !== 'always') return { action: 'complete', streak: 0 };
  // `always` restarts clean exits without limit (backoff still applies, so a loop is not tight).
  if (!failed) return { action: 'restart', delayMs: backoffMs(current), streak: current + 1 };
  if (failed && (status.code === 126 || status.code === 127)) return { action: 'give-up', reason: 'cannot-run', streak: current };
  if (policy === 'never') return { action: 'give-up', reason: 'policy', streak: current };
  if (current >= MAX_RESTARTS) return { action: 'give-up', reason: 'too-many-restarts', streak: current };
  return { action: 'restart', delayMs: backoffMs(current), streak: current + 1 };
}

/** 1, 2, 4, 8, 16 s… capped at 30 s, for the n-th consecutive restart (0-based). */
function backoffMs(restartsInARow: number): number {
  return Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** Math.min(restartsInARow, 16));
}

/** The number a shell would report for an exit: the code, or 128 + the signal's number. */
export function statusNumber(status: ExitStatus): number {
  if (status.signal !== undefined) return 128 + (constants.signals[status.signal as NodeJS.Signals] ?? 0);
  return status.code ?? 1;
}

/** `exited with code 3`, `terminated by SIGTERM`, `exited with code 139 (SIGSEGV)`; never "null". */
export function describeExit(status: ExitStatus): string {
  if (status.signal !== undefined) return `terminated by ${status.signal}`;
  const code = status.code ?? 0;
  if (code > 128 && code < 128 + 65) {
    const name = Object.entries(constants.signals).find(([, number]) => number === code - 128)?.[0];
    if (name !== undefined) return `exited with code ${code} (${name})`;
  }
  if (code === 127) return 'exited with code 127 (command not found)';
  if (code === 126) return 'exited with code 126 (command not executable)';
  return `exited with code ${code}`;
}
