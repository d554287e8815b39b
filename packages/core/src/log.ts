import { Logger as TsLogger } from 'tslog';
import { LogFile, logRotationFromEnv } from './log-file.js';

export type LogRecord = Record<string, unknown>;
/** Lucky's logger: tslog, one root per process, sub-loggers per plugin. */
export type Logger = TsLogger<LogRecord>;

/** tslog level ids: silly 0, trace 1, debug 2, info 3, warn 4, error 5, fatal 6; 7 silences all. */
const LEVELS: Readonly<Record<string, number>> = {
  off: 7,
  error: 5,
  warn: 4,
  warning: 4,
  info: 3,
  debug: 2,
  trace: 1,
};

/**
 * Parses `LUCKY_LOG_LEVEL` (Lucky's names, any case). Unset means info; an
 * unparsable value means debug, as in Lucky, so a typo shows more rather than less.
 */
export function parseLogLevel(value: string | undefined): number {
  if (value === undefined || value === '') return LEVELS.info ?? 3;
  return LEVELS[value.toLowerCase()] ?? LEVELS.debug ?? 2;
}

export interface LoggerOptions {
  readonly name: string;
  readonly level?: number;
  /**
   * Append JSON lines to this file (created 0600). It rotates by size: past
   * `maxBytes` it becomes `<file>.1` (and so on up to `<file>.<files - 1>`).
   */
  readonly file?: string;
  /** Default: `LUCKY_LOG_MAX_BYTES`, else 10 MiB. */
  readonly maxBytes?: number;
  /** How many files are kept, `file` included. Default: `LUCKY_LOG_FILES`, else 3. */
  readonly files?: number;
  /** Extra sink, e.g. a test's memory buffer. */
  readonly sink?: (record: LogRecord, line: string) => void;
}

/** The only place that constructs a root logger. */
export function createLogger(options: LoggerOptions): Logger {
  const log = new TsLogger<LogRecord>({
    name: options.name,
    type: 'hidden',
    minLevel: options.level ?? 3,
    mask: { keys: ['password', 'token', 'secret'] },
    stack: { capture: 'off' },
  });
  if (options.file) {
    const rotation = logRotationFromEnv(process.env);
    const file = new LogFile({
      path: options.file,
      maxBytes: options.maxBytes ?? rotation.maxBytes,
      files: options.files ?? rotation.files,
      onError: (message) => {
        try {
          process.stderr.write(`lucky: ${message}\n`);
        } catch {
          // no stderr: the log has it
        }
        log.warn(message);
      },
    });
    log.attachTransport(file);
    for (const problem of rotation.problems) log.warn(problem);
  }
  if (options.sink) log.attachTransport({ name: 'sink', format: 'json', write: options.sink });
  return log;
}

/** A hook's script output on its way to the log. */
export interface ScriptOutputLog {
  /** Takes a chunk of one stream's output as it comes; complete lines are logged. */
  write(stream: 'stdout' | 'stderr', data: string): void;
  /** Logs the unterminated last line of each stream, if any. */
  end(): void;
}

/** A line without a newline is logged in pieces of this many characters, so no record grows without bound. */
const MAX_LINE = 64 * 1024;

/**
 * Logs the output of a hook's scripts at info level. With a log file it goes
 * there compactly, one small record per chunk of lines (see
 * `LogFile.scriptOutput`), not through tslog's records; a logger without a file
 * gets one `[hook] stream: line` info record per line from its `script-output`
 * sub-logger.
 */
export function scriptOutputLog(log: Logger, hook: string): ScriptOutputLog {
  const file = log.settings.attachedTransports.find((transport): transport is LogFile => transport instanceof LogFile);
  let sub: Logger | undefined;
  const emit = (stream: 'stdout' | 'stderr', lines: readonly string[]): void => {
    if (lines.length === 0 || !log.isLevelEnabled(3)) return;
    if (file) return file.scriptOutput(hook, stream, lines);
    sub ??= log.getSubLogger({ name: 'script-output' });
    for (const line of lines) sub.info(`[${hook}] ${stream}: ${line}`);
  };
  const pending = { stdout: '', stderr: '' };
  return {
    write(stream, data) {
      const parts = (pending[stream] + data).split('\n');
      let rest = parts.pop() ?? '';
      const lines: string[] = [];
      for (const part of parts) {
        if (part.length <= MAX_LINE) lines.push(part);
        else for (let at = 0; at < part.length; at += MAX_LINE) lines.push(part.slice(at, at + MAX_LINE));
      }
      while (rest.length > MAX_LINE) {
        lines.push(rest.slice(0, MAX_LINE));
        rest = rest.slice(MAX_LINE);
      }
      pending[stream] = rest;
      emit(stream, lines);
    },
    end() {
      for (const stream of ['stdout', 'stderr'] as const) {
        if (pending[stream]) emit(stream, [pending[stream]]);
        pending[stream] = '';
      }
    },
  };
}

/** The human text of a record: its string arguments joined, as tslog stores them under "0", "1", …. */
export function recordMessage(record: LogRecord): string {
  const parts: string[] = [];
  for (let i = 0; String(i) in record; i++) {
    const value = record[String(i)];
    parts.push(typeof value === 'string' ? value : value instanceof Error ? value.message : JSON.stringify(value));
  }
  return parts.join(' ');
}
