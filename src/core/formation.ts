/**
 * The formation (how many instances of each process type run) and the PORT of each instance, as one
 * pure function in the manner of Honcho's `expand_processes`.
 */
import type { ProcessType } from './procfile';

/** Highest count for one type: a 101st instance would take the next type's PORT block. */
export const MAX_INSTANCES = 100;
/** Highest TCP port. */
const MAX_PORT = 65535;
/** Foreman's default base port when neither `-p` nor `PORT` is set. */
export const DEFAULT_BASE_PORT = 5000;

/** Counts per type name; the key `all` is the count for types not listed. */
export type FormationCounts = ReadonlyMap<string, number>;

/** An error in a user's formation, timeout or port text; the message is shown as is (CLI exit 2). */
export class FormationError extends Error {
  override name = 'FormationError';
}

/** One instance to run: `web.2` is `{ type: 'web', index: 2 }`. */
export interface InstanceSpec {
  /** `type.index`, e.g. `web.1` (also the value of `PS`). */
  name: string;
  type: string;
  /** 1-based instance number. */
  index: number;
  command: string;
  /** The instance's `PORT`. */
  port: number;
}

/**
 * Parses Foreman's formation text `all=1,web=2,worker=0` (pairs separated by commas; blanks
 * around names, `=` and values allowed).
 *
 * @throws FormationError on bad syntax or a count that is not an integer 0–100
 */
export function parseFormation(text: string): Map<string, number> {
  return parsePairs(text, 'formation', (raw, name) => {
    if (!/^\d+$/.test(raw) || Number(raw) > MAX_INSTANCES) {
      throw new FormationError(`invalid count "${raw}" for ${name} in formation: use a whole number from 0 to ${MAX_INSTANCES}`);
    }
    return Number(raw);
  });
}

/**
 * Parses a stop timeout: `5` (seconds, every type) or `all=5,worker=30`.
 *
 * @returns per-type seconds; the key `all` is the default
 * @throws FormationError when a value is not a positive number of seconds
 */
export function parseTimeouts(text: string): Map<string, number> {
  const toSeconds = (raw: string, name: string): number => {
    const seconds = Number(raw);
    if (!/^\d+(\.\d+)?$/.test(raw) || !(seconds > 0) || seconds > 86400) {
      throw new FormationError(`invalid timeout "${raw}" for ${name}: use seconds above 0 and at most 86400, e.g. 5 or all=5,worker=30`);
    }
    return seconds;
  };
  const trimmed = text.trim();
  if (!trimmed.includes('=')) return new Map([['all', toSeconds(trimmed, 'all')]]);
  return parsePairs(trimmed, 'timeout', toSeconds);
}

function parsePairs(text: string, what: string, value: (raw: string, name: string) => number): Map<string, number> {
  const result = new Map<string, number>();
  const pairs = text.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (pairs.length === 0) throw new FormationError(`empty ${what}: use e.g. all=1,web=2`);
  for (const pair of pairs) {
    const match = /^([A-Za-z0-9_-]+)[ \t]*=[ \t]*(\S*)$/.exec(pair);
    if (!match) throw new FormationError(`invalid ${what} "${pair}": use name=value pairs such as web=2`);
    result.set(match[1], value(match[2], match[1]));
  }
  return result;
}

/**
 * Checks that every name in counts (other than `all`) is a process type.
 *
 * @throws FormationError naming the unknown type and listing the valid ones
 */
export function checkFormationNames(counts: FormationCounts, types: readonly ProcessType[], what = 'formation'): void {
  const known = new Set(types.map((t) => t.name));
  for (const name of counts.keys()) {
    if (name !== 'all' && !known.has(name)) {
      throw new FormationError(`unknown process type "${name}" in ${what}; the Procfile defines: ${types.map((t) => t.name).join(', ') || '(none)'}`);
    }
  }
}

/**
 * How many instances of a type run. Foreman's rule: without a formation every type runs once; with
 * one, a listed type gets its count, an unlisted one the `all` count, else 0. Types with a blank
 * command never run.
 */
export function instanceCount(type: ProcessType, counts: FormationCounts | undefined): number {
  if (!type.runnable) return 0;
  if (counts === undefined) return 1;
  return counts.get(type.name) ?? counts.get('all') ?? 0;
}

/**
 * PORT of an instance. Foreman's rule: base + 100 × (index of the type's entry among the Procfile's
 * entries) + (instance − 1); the block of a type depends only on its line, never on which types run
 * or how the formation was written.
 */
export function instancePort(basePort: number, type: ProcessType, index: number): number {
  return basePort + 100 * type.slot + (index - 1);
}

/**
 * Expands types and counts into instances, in Procfile order then instance number.
 *
 * @throws FormationError when an instance's PORT would exceed 65535 (a base port too high for the
 *   number of types)
 */
export function expandFormation(types: readonly ProcessType[], counts: FormationCounts | undefined, basePort: number): InstanceSpec[] {
  const instances = types.flatMap((type) =>
    Array.from({ length: instanceCount(type, counts) }, (_, i) => ({
      name: `${type.name}.${i + 1}`,
      type: type.name,
      index: i + 1,
      command: type.command,
      port: instancePort(basePort, type, i + 1),
    })),
  );
  const over = instances.find((i) => i.port > MAX_PORT);
  if (over) throw new FormationError(`${over.name} would get PORT ${over.port}, above ${MAX_PORT}: choose a lower base port (-p)`);
  return instances;
}

/**
 * The PORT base. Foreman's order: `-p`, else `PORT` from the env files, else `PORT` inherited, else
 * 5000.
 *
 * @throws FormationError when the chosen value is not a port number (1–65535)
 */
export function choosePortBase(flag: string | undefined, fromFiles: string | undefined, inherited: string | undefined): number {
  const [raw, source] =
    flag !== undefined ? [flag, '-p'] : fromFiles !== undefined ? [fromFiles, 'PORT in the env files'] : inherited !== undefined ? [inherited, 'PORT in the environment'] : [undefined, ''];
  if (raw === undefined) return DEFAULT_BASE_PORT;
  const port = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || port < 1 || port > MAX_PORT) throw new FormationError(`invalid base port "${raw}" (${source}): use a number from 1 to 65535`);
  return port;
}
