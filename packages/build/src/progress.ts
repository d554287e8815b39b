/** Where progress goes: stderr, and whether it is a terminal. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

const TICK_MS = 100;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * One line per build step. On a terminal the current step's line shows its elapsed
 * time, updated in place, and is replaced by its outcome; otherwise (a log, CI) each
 * step is printed once, when it starts, and notes follow as plain lines.
 */
export class Progress {
  private readonly stream: ProgressStream;
  private readonly tty: boolean;
  /** The step line on screen, to redraw it after a note. */
  private current: { title: string; started: number; detail?: string } | undefined;

  constructor(stream: ProgressStream) {
    this.stream = stream;
    this.tty = stream.isTTY === true;
  }

  async step<T>(title: string, work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    this.current = { title, started };
    if (!this.tty) {
      this.stream.write(`${title}\n`);
      return work();
    }
    this.draw('-', title, 0);
    const timer = setInterval(() => this.draw('-', title, Date.now() - started), TICK_MS);
    try {
      const result = await work();
      this.draw('✓', title, Date.now() - started);
      this.stream.write('\n');
      return result;
    } catch (error) {
      this.draw('✗', title, Date.now() - started);
      this.stream.write('\n');
      throw error;
    } finally {
      clearInterval(timer);
      this.current = undefined;
    }
  }

  /** What the current step has done so far (bytes downloaded…), shown after its time on a terminal only: a log gets no stream of counts. */
  detail(text: string): void {
    if (!this.tty || !this.current) return;
    this.current.detail = text;
    this.draw('-', this.current.title, Date.now() - this.current.started);
  }

  /** A line of its own (a warning, a detail), above the step line on a terminal. */
  note(line: string): void {
    if (!this.tty || !this.current) {
      this.stream.write(`${line}\n`);
      return;
    }
    this.stream.write(`\r\x1b[2K${line}\n`);
    this.draw('-', this.current.title, Date.now() - this.current.started);
  }

  private draw(mark: string, title: string, elapsed: number): void {
    const detail = this.current?.detail;
    this.stream.write(`\r\x1b[2K${mark} ${title} (${seconds(elapsed)}${detail ? `, ${detail}` : ''})`);
  }
}

/** `12.3 MB of 48.0 MB`, or `12.3 MB` when the size is not known. */
export function bytesDone(received: number, total: number | undefined): string {
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return total === undefined ? mb(received) : `${mb(received)} of ${mb(total)}`;
}
