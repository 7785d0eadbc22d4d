/**
 * A registry of the process groups an editor session started, kept in a file, so that the next
 * session can stop what a crashed or killed extension host left behind (case 25). An entry is only
 * acted on when the PID still leads its group and has the same start time, so a reused PID is never
 * signalled.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { signalGroup, waitForGroupEmpty } from './processGroup';

/** One process group the session started: its leader's PID and start time (clock ticks since boot). */
export interface GroupEntry {
  pgid: number;
  startTime: string;
  /** For the log: `web.1`. */
  name: string;
}

/** The start time of a process (field 22 of /proc/<pid>/stat), or undefined when it is gone or
 * does not lead its own group (Linux; elsewhere always undefined). */
export function leaderStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); field 5 is pgrp; field 22 is starttime.
    if (Number(fields[2]) !== pid || fields[0] === 'Z') return undefined;
    return fields[19];
  } catch {
    return undefined;
  }
}

/** Keeps the registry file in step with the groups that are alive. Never throws on I/O errors. */
export class OrphanRegistry {
  private readonly entries = new Map<number, GroupEntry>();

  constructor(private readonly file: string) {}

  /** Records a group just started. */
  add(pid: number, name: string): void {
    const startTime = leaderStartTime(pid);
    if (startTime === undefined) return;
    this.entries.set(pid, { pgid: pid, startTime, name });
    this.save();
  }

  /** Forgets a group that ended. */
  remove(pid: number): void {
    if (this.entries.delete(pid)) this.save();
  }

  /**
   * Stops the groups a previous session recorded that are still alive (SIGTERM, SIGKILL after
   * `timeoutMs`), then empties the file.
   *
   * @returns the names of the instances that were stopped
   */
  async stopLeftovers(timeoutMs = 2000): Promise<string[]> {
    let previous: GroupEntry[] = [];
    try {
      previous = JSON.parse(readFileSync(this.file, 'utf8')) as GroupEntry[];
    } catch {
      return [];
    }
    const alive = (Array.isArray(previous) ? previous : []).filter((e) => Number.isInteger(e.pgid) && leaderStartTime(e.pgid) === e.startTime);
    for (const entry of alive) signalGroup(entry.pgid, 'SIGTERM');
    await Promise.all(
      alive.map(async (entry) => {
        if (!(await waitForGroupEmpty(entry.pgid, timeoutMs))) signalGroup(entry.pgid, 'SIGKILL');
      }),
    );
    this.save();
    return alive.map((e) => e.name);
  }

  /** SIGKILL to every recorded group now (synchronous: for a process 'exit' hook). */
  killAll(): void {
    for (const entry of this.entries.values()) signalGroup(entry.pgid, 'SIGKILL');
  }

  private save(): void {
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileSync(this.file, JSON.stringify([...this.entries.values()]));
    } catch {
      /* a registry that cannot be written only loses crash recovery */
    }
  }
}
