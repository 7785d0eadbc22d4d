/**
 * Foreman's output format: `HH:MM:SS web.1  | text`, a colour per process type on a TTY, manager
 * messages on `system |` lines. Output of one batch is written with one `write` call, so lines of two
 * processes never mix inside a line and a burst of 100,000 lines costs few system calls.
 */

/** How the CLI prints. */
export interface LoggerOptions {
  color: boolean;
  timestamp: boolean;
  /** Where text goes (default `process.stdout`); returns false when the reader is behind. */
  write?: (text: string) => boolean;
}

// Foreman's palette order: cyan, yellow, green, magenta, red, blue, then the bright ones.
const PALETTE = [36, 33, 32, 35, 31, 34, 96, 93, 92, 95, 91, 94];
const SYSTEM = 'system';

/** Formats and writes prefixed lines. */
export class Logger {
  private width = SYSTEM.length;
  private readonly colors = new Map<string, number>();
  private stampSecond = -1;
  private stamp = '';
  private readonly write: (text: string) => boolean;
  /** Called once each time a write finds the reader behind (the caller pauses its sources). */
  onBackpressure: (() => void) | undefined;

  constructor(private readonly options: LoggerOptions) {
    this.write = options.write ?? ((text) => process.stdout.write(text));
  }

  /** Pads names to the longest instance name and assigns each type its colour, in Procfile order. */
  register(types: readonly string[], instanceNames: readonly string[]): void {
    types.forEach((type, i) => this.colors.set(type, PALETTE[i % PALETTE.length]));
    for (const name of instanceNames) this.width = Math.max(this.width, name.length);
  }

  /** Writes lines of an instance's output. */
  lines(name: string, lines: readonly string[]): void {
    if (lines.length === 0) return;
    const prefix = this.prefix(name);
    if (!this.write(prefix + lines.join('\n' + prefix) + '\n')) this.onBackpressure?.();
  }

  /** Writes a manager message on the `system` line. */
  system(text: string): void {
    this.lines(SYSTEM, text.split('\n'));
  }

  private prefix(name: string): string {
    const label = `${name.padEnd(this.width)} | `;
    const stamped = this.options.timestamp ? `${this.timestamp()} ${label}` : label;
    if (!this.options.color) return stamped;
    const type = name.replace(/\.\d+$/, '');
    const code = name === SYSTEM ? 1 : this.colors.get(type) ?? 37;
    return `\u001b[${code}m${stamped}\u001b[0m`;
  }

  private timestamp(): string {
    const now = Date.now();
    const second = Math.floor(now / 1000);
    if (second !== this.stampSecond) {
      this.stampSecond = second;
      const d = new Date(now);
      this.stamp = [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
    }
    return this.stamp;
  }
}

/**
 * Whether to colour: `--no-color` and `NO_COLOR` (no-color.org: any non-empty value) turn it off;
 * otherwise only on a TTY.
 */
export function useColor(flag: boolean, env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (!flag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTTY;
}
