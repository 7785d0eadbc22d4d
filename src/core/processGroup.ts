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

/** One line of `/proc/<pid>/stat`: state, parent and group; `undefined` when gone or unreadable. */
function readStat(pid: string): { state: string; ppid: number; pgrp: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // Fields after "(comm)": state ppid pgrp …; comm may contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], ppid: Number(fields[1]), pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

/** Numeric entries of /proc, or `undefined` where there is no /proc. */
function procPids(): string[] | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    return readdirSync('/proc').filter((name) => name.charCodeAt(0) >= 48 && name.charCodeAt(0) <= 57);
  } catch {
    return undefined;
  }
}

/**
 * Live descendants of a process (children, grandchildren…), by walking parent links in `/proc`
 * (Linux; elsewhere `[]`). Taken before a signal, so children re-parented afterwards are still known.
 */
export function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const name of procPids() ?? []) {
    const stat = readStat(name);
    if (!stat || stat.state === 'Z' || stat.state === 'X') continue;
    const siblings = parents.get(stat.ppid) ?? [];
    siblings.push(Number(name));
    parents.set(stat.ppid, siblings);
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of parents.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/**
 * PIDs of the live (non-zombie) processes in a group. On Linux this reads `/proc/<pid>/stat`, so
 * zombies waiting for a non-reaping PID 1 (containers) do not count as survivors; elsewhere it
 * falls back to `kill(-pgid, 0)` and returns `[pgid]` while anything is left.
 */
export function groupMembers(pgid: number): number[] {
  if (!Number.isInteger(pgid) || pgid <= 1) return [];
  const pids = procPids();
  if (pids === undefined) return signalGroup(pgid, 0 as unknown as NodeJS.Signals) ? [pgid] : [];
  return pids.filter((name) => {
    const stat = readStat(name);
    return stat !== undefined && stat.pgrp === pgid && stat.state !== 'Z' && stat.state !== 'X';
  }).map(Number);
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
