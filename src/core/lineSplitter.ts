/**
 * Output framing: turns the byte chunks of a pipe into whole lines, in order, never splitting a line
 * at a read boundary (node-foreman's fault, case 32/36), and never holding back a prompt without a
 * newline for long (Foreman's blocking `gets`, case 30).
 */

/** Default wait before a line without a newline (a prompt) is shown anyway, in ms. */
export const PARTIAL_LINE_DELAY_MS = 150;
/** Default longest line kept as one line, in bytes; a longer run without `\n` is cut there. */
export const MAX_LINE_BYTES = 1024 * 1024;

/** Receives lines in order. `partial` is true when the last line had no newline yet (a prompt, the
 * last bytes before exit, or a cut at {@link MAX_LINE_BYTES}); the rest comes as the next line. */
export type LinesListener = (lines: string[], partial: boolean) => void;

export interface LineSplitterOptions {
  /** ms before text without a newline is delivered as a partial line; default 150. */
  partialDelayMs?: number;
  /** bytes before a line without a newline is cut; default 1 MiB. */
  maxLineBytes?: number;
}

/**
 * Splits a byte stream into lines. Lines end at `\n`; one `\r` before it is dropped; blank lines are
 * kept; invalid UTF-8 becomes U+FFFD (never an exception). Call {@link end} at EOF to flush a last
 * line without a newline.
 */
export class LineSplitter {
  private readonly decoder = new TextDecoder('utf-8');
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private held = false;
  private readonly partialDelayMs: number;
  private readonly maxLineBytes: number;

  constructor(private readonly listener: LinesListener, options: LineSplitterOptions = {}) {
    this.partialDelayMs = options.partialDelayMs ?? PARTIAL_LINE_DELAY_MS;
    this.maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
  }

  /** Adds a chunk read from the pipe. */
  push(chunk: Buffer): void {
    const lastNewline = chunk.lastIndexOf(10);
    if (lastNewline < 0) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.pendingBytes >= this.maxLineBytes) this.flushPartial();
      else this.armTimer();
      return;
    }
    const head = chunk.subarray(0, lastNewline);
    const bytes = this.pendingBytes === 0 ? head : Buffer.concat([...this.pending, head]);
    this.pending = [];
    this.pendingBytes = 0;
    this.emitComplete(this.decoder.decode(bytes, { stream: true }));
    if (lastNewline + 1 < chunk.length) {
      const tail = chunk.subarray(lastNewline + 1);
      this.pending.push(tail);
      this.pendingBytes = tail.length;
      this.armTimer();
    } else {
      this.disarmTimer();
    }
  }

  /**
   * While held (the reader paused the pipe for backpressure), text without a newline is not shown
   * as a partial line: the rest of the line is only waiting in the pipe.
   */
  hold(held: boolean): void {
    this.held = held;
    if (held) this.disarmTimer();
    else if (this.pendingBytes > 0) this.armTimer();
  }

  /** Flushes what is left (a last line without a newline) at end of stream. */
  end(): void {
    this.disarmTimer();
    const rest = this.decoder.decode(Buffer.concat(this.pending));
    this.pending = [];
    this.pendingBytes = 0;
    if (rest !== '') this.listener([stripCr(rest)], true);
  }

  private emitComplete(text: string): void {
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (line.length > 0 && line.charCodeAt(line.length - 1) === 13) lines[i] = line.slice(0, -1);
    }
    this.listener(lines, false);
  }

  private flushPartial(): void {
    this.disarmTimer();
    if (this.pendingBytes === 0) return;
    const text = this.decoder.decode(Buffer.concat(this.pending), { stream: true });
    this.pending = [];
    this.pendingBytes = 0;
    if (text !== '') this.listener([text], true);
  }

  private armTimer(): void {
    if (this.timer === undefined && !this.held) {
      const pendingAtArm = this.pending[0];
      this.timer = setTimeout(() => {
        // Let the I/O phase deliver a chunk that is already waiting (the loop may have been busy for
        // longer than the delay), so a line split by a read boundary is never shown in two parts.
        setImmediate(() => {
          this.timer = undefined;
          if (this.pending[0] === pendingAtArm && !this.held) this.flushPartial();
          else if (this.pendingBytes > 0) this.armTimer();
        });
      }, this.partialDelayMs);
    }
  }

  private disarmTimer(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
