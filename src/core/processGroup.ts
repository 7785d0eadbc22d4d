/**
 * Process groups: each instance is the leader of its own group (`detached: true`), so a signal to
 * `-pgid` reaches shell wrappers, `npm start` trees, `a && b` chains and forked helpers alike
 * (case 23). Only the group is ever signalled: never a process by name.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Sends a signal to every process in a group. Returns false when the group no longer exists.
 * A PGID that is not a real group (≤ 1: `kill(0)` would hit our own group, `kill(-1)` everyone) is
 * refused. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * PIDs of the live (non-zombie) processes in a group. On Linux this reads `/proc/<pid>/stat`, so
 * zombies waiting for a non-reaping PID 1 (containers) do not count as survivors; elsewhere it
 * falls back to `kill(-pgid, 0)` and returns `[pgid]` while anything is left.
 */
export function groupMembers(pgid: number): number[] {
  if (!Number.isInteger(pgid) || pgid <= 1) return [];
  if (process.platform !== 'linux') return signalGroup(pgid, 0 as unknown as NodeJS.Signals) ? [pgid] : [];
  const members: number[] = [];
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return signalGroup(pgid, 0 as unknown as NodeJS.Signals) ? [pgid] : [];
  }
  for (const name of names) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'latin1');
    } catch {
      continue; // exited meanwhile
    }
    // Fields after "(comm)": state ppid pgrp …; comm may contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') members.push(Number(name));
  }
  return members;
}

/**
 * Waits until a group has no live process, polling every `pollMs`.
 *
 * @returns true when the group emptied within `timeoutMs`, false on timeout
 */
export async function waitForGroupEmpty(pgid: number, timeoutMs: number, pollMs = 25): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (groupMembers(pgid).length === 0) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, Math.max(1, deadline - Date.now()))));
  }
}
