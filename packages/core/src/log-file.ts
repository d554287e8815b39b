import { closeSync, existsSync, fchmodSync, fstatSync, ftruncateSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Transport } from 'tslog';
import type { LogRecord } from './log.js';

export const DEFAULT_LOG_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_LOG_FILES = 3;

/** Longest script-output text one record holds (in UTF-16 units); longer groups of lines are split over records. */
const RECORD_CHARS = 64 * 1024;
/** Queued text (in UTF-16 units) past which a write is done at once rather than at the end of the tick. */
const EAGER_CHARS = 1024 * 1024;

export interface LogFileOptions {
  readonly path: string;
  /** The size past which the file rotates; a single record larger than this gets a file of its own. */
  readonly maxBytes?: number;
  /** How many files are kept: `path`, `path.1`, … `path.<files - 1>`; the oldest is dropped. */
  readonly files?: number;
  /** Told about a failure (open, write, rotation) once, until that operation succeeds again; must not throw. Default: stderr. */
  readonly onError?: (message: string) => void;
}

export interface LogRotation {
  readonly maxBytes: number;
  readonly files: number;
  /** What was wrong with the variables (their defaults are used instead). */
  readonly problems: readonly string[];
}

const SIZE_SUFFIX: Readonly<Record<string, number>> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/**
 * Reads `LUCKY_LOG_MAX_BYTES` (bytes, or with a K, M or G suffix for KiB, MiB,
 * GiB) and `LUCKY_LOG_FILES` (how many files, the current one included).
 */
export function logRotationFromEnv(env: NodeJS.ProcessEnv): LogRotation {
  const problems: string[] = [];
  let maxBytes = DEFAULT_LOG_MAX_BYTES;
  let files = DEFAULT_LOG_FILES;
  const size = env.LUCKY_LOG_MAX_BYTES?.trim();
  if (size) {
    const match = /^(\d+)\s*([kmg]?)(?:i?b)?$/i.exec(size);
    const value = match ? Number(match[1]) * (SIZE_SUFFIX[match[2]!.toLowerCase()] ?? 1) : NaN;
    if (Number.isSafeInteger(value) && value > 0) maxBytes = value;
    else problems.push(`LUCKY_LOG_MAX_BYTES=${JSON.stringify(size)} is not a positive size (e.g. 10485760 or 10M); using ${DEFAULT_LOG_MAX_BYTES}.`);
  }
  const count = env.LUCKY_LOG_FILES?.trim();
  if (count) {
    const value = /^\d+$/.test(count) ? Number(count) : NaN;
    if (Number.isSafeInteger(value) && value > 0) files = value;
    else problems.push(`LUCKY_LOG_FILES=${JSON.stringify(count)} is not a positive whole number; using ${DEFAULT_LOG_FILES}.`);
  }
  return { maxBytes, files, problems };
}

/** Open log files, drained synchronously when the process exits so a crash or `process.exit` keeps the tail. */
const open = new Set<LogFile>();
let exitHook = false;

function defaultReport(message: string): void {
  try {
    process.stderr.write(`lucky: ${message}\n`);
  } catch {
    // nowhere left to report to
  }
}

/**
 * An append-only, size-rotated log file, and the tslog transport that writes
 * every record of a logger to it as one JSON line.
 *
 * Lines are queued and written together once per event-loop turn (or at once
 * when much is queued) with synchronous appends, so no write is ever in flight:
 * a rotation happens between two writes of the one writer, and a line logged
 * meanwhile is queued for the new file, never lost. The size is taken with one
 * fstat when the file is opened and counted in memory afterwards. When the next
 * line would take the file past `maxBytes`, `path.<n-2>` → `path.<n-1>`, …,
 * `path` → `path.1` and a new `path` is started. The files are created 0600.
 *
 * Nothing here throws into the logger: a failed open, write or rotation is
 * reported once (then again only after that operation worked) and logging goes
 * on, into the current file if rotating failed (retried after another `maxBytes`).
 */
export class LogFile implements Transport<LogRecord> {
  readonly name = 'lucky-log-file';
  readonly format = 'json' as const;
  readonly path: string;
  readonly maxBytes: number;
  readonly files: number;
  private readonly report: (message: string) => void;
  private fd: number | undefined;
  /** Bytes in the current file: fstat at open, then counted. */
  private size = 0;
  /** The size at which the file rotates: `maxBytes`, or further on after a failed rotation. */
  private limit: number;
  private queue: string[] = [];
  private queuedChars = 0;
  private scheduled: NodeJS.Immediate | undefined;
  private draining = false;
  private closed = false;
  private readonly failing = new Set<'open' | 'write' | 'rotate'>();

  constructor(options: LogFileOptions) {
    this.path = options.path;
    this.maxBytes = Math.max(1, Math.floor(options.maxBytes ?? DEFAULT_LOG_MAX_BYTES));
    this.files = Math.max(1, Math.floor(options.files ?? DEFAULT_LOG_FILES));
    this.limit = this.maxBytes;
    this.report = options.onError ?? defaultReport;
    open.add(this);
    if (!exitHook) {
      exitHook = true;
      process.on('exit', () => {
        for (const file of open) file.flushSync();
      });
    }
  }

  /** tslog's transport entry: `line` is the record as one JSON line. */
  write(_record: LogRecord, line: string): void {
    this.append(line);
  }

  /**
   * Script output, compactly: one record `{"t","hook","s":"out"|"err","lines":[…]}`
   * for the lines one hook printed on one stream at one time (split when long),
   * instead of a full tslog record per line.
   */
  scriptOutput(hook: string, stream: 'stdout' | 'stderr', lines: readonly string[]): void {
    if (this.closed || lines.length === 0) return;
    const head = `{"t":"${new Date().toISOString()}","hook":${JSON.stringify(hook)},"s":"${stream === 'stderr' ? 'err' : 'out'}","lines":[`;
    let parts: string[] = [];
    let chars = 0;
    for (const line of lines) {
      if (chars > 0 && chars + line.length > RECORD_CHARS) {
        this.append(`${head}${parts.join(',')}]}`);
        parts = [];
        chars = 0;
      }
      parts.push(JSON.stringify(line));
      chars += line.length;
    }
    this.append(`${head}${parts.join(',')}]}`);
  }

  /** Appends one line (without its newline) to the queue. */
  append(line: string): void {
    if (this.closed) return;
    this.queue.push(`${line}\n`);
    this.queuedChars += line.length + 1;
    if (this.queuedChars >= EAGER_CHARS) this.drain();
    else this.scheduled ??= setImmediate(() => this.drain());
  }

  /** Everything logged so far is in the file once this resolves. */
  flush(): Promise<void> {
    this.drain();
    return Promise.resolve();
  }

  /** Writes what is queued now, synchronously. */
  flushSync(): void {
    this.drain();
  }

  /** Flushes and closes the file; later lines are dropped. */
  close(): void {
    if (this.closed) return;
    this.drain();
    this.closed = true;
    open.delete(this);
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // already gone
      }
      this.fd = undefined;
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  private drain(): void {
    // A report made while draining may log again: that line is queued, and written next turn.
    if (this.draining) return;
    if (this.scheduled) {
      clearImmediate(this.scheduled);
      this.scheduled = undefined;
    }
    if (this.queue.length === 0) return;
    this.draining = true;
    try {
      const lines = this.queue;
      const chars = this.queuedChars;
      this.queue = [];
      this.queuedChars = 0;
      if (this.fd === undefined && !this.openFile()) return;
      // A UTF-16 unit is at most 3 bytes of UTF-8: when even that fits, no line needs measuring.
      if (this.size + 3 * chars <= this.limit) {
        this.writeOut(lines);
        return;
      }
      let batch: string[] = [];
      let batchBytes = 0;
      for (const line of lines) {
        const bytes = Buffer.byteLength(line);
        if (this.size + batchBytes > 0 && this.size + batchBytes + bytes > this.limit) {
          this.writeOut(batch);
          batch = [];
          batchBytes = 0;
          this.rotate();
        }
        batch.push(line);
        batchBytes += bytes;
      }
      this.writeOut(batch);
    } finally {
      this.draining = false;
      if (this.queue.length > 0 && !this.closed) this.scheduled ??= setImmediate(() => this.drain());
    }
  }

  private writeOut(lines: readonly string[]): void {
    if (lines.length === 0 || this.fd === undefined) return;
    const data = Buffer.from(lines.length === 1 ? lines[0]! : lines.join(''));
    let done = 0;
    try {
      while (done < data.length) done += writeSync(this.fd, data, done, data.length - done);
      this.recovered('write');
    } catch (error) {
      this.failed('write', `Could not write to the log file ${this.path}: ${(error as Error).message}; some lines were lost.`);
    }
    this.size += done;
  }

  /** Opens `path` for appending (created 0600, tightened to 0600 if it was wider), taking its size once. */
  private openFile(): boolean {
    try {
      this.fd = this.openAt();
      this.limit = this.maxBytes;
      this.recovered('open');
      return true;
    } catch (error) {
      this.failed('open', `Could not open the log file ${this.path}: ${(error as Error).message}; log lines are dropped until it opens.`);
      return false;
    }
  }

  private openAt(): number {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const fd = openSync(this.path, 'a', 0o600);
    try {
      const stat = fstatSync(fd);
      if ((stat.mode & 0o077) !== 0) {
        try {
          fchmodSync(fd, stat.mode & 0o700);
        } catch {
          // not ours to change; still log
        }
      }
      this.size = stat.size;
      return fd;
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /**
   * Shifts `path.<i>` to `path.<i+1>` (the last is overwritten, so dropped) and
   * `path` to `path.1`, then starts a new `path`. With one file, truncates it.
   */
  private rotate(): void {
    const fd = this.fd;
    if (fd === undefined) return;
    try {
      if (this.files === 1) {
        ftruncateSync(fd, 0);
        this.size = 0;
        this.limit = this.maxBytes;
      } else {
        // Shift only up to the first free slot (or the last one, whose file is dropped).
        let top = 1;
        while (top < this.files - 1 && existsSync(`${this.path}.${top}`)) top++;
        for (let i = top; i >= 1; i--) renameIfPresent(i === 1 ? this.path : `${this.path}.${i - 1}`, `${this.path}.${i}`);
        let next: number;
        try {
          next = this.openAt();
        } catch (error) {
          // Put the current file back under its name: logging goes on where it was.
          renameIfPresent(`${this.path}.1`, this.path);
          throw error;
        }
        this.fd = next;
        this.limit = this.maxBytes;
        try {
          closeSync(fd);
        } catch {
          // the old file is renamed and done with either way
        }
      }
      this.recovered('rotate');
    } catch (error) {
      this.limit = this.size + this.maxBytes;
      this.failed(
        'rotate',
        `Could not rotate the log file ${this.path}: ${(error as Error).message}; it grows past ${this.maxBytes} bytes until a later rotation works.`,
      );
    }
  }

  private failed(what: 'open' | 'write' | 'rotate', message: string): void {
    if (this.failing.has(what)) return;
    this.failing.add(what);
    try {
      this.report(message);
    } catch {
      // a report must never break logging
    }
  }

  private recovered(what: 'open' | 'write' | 'rotate'): void {
    if (this.failing.size > 0) this.failing.delete(what);
  }
}

function renameIfPresent(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
