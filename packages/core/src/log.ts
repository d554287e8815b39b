import { Logger as TsLogger } from 'tslog';
import { fileTransport } from 'tslog/transports/file';

export type LogRecord = Record<string, unknown>;
/** Lucky's logger: tslog, one root per process, sub-loggers per plugin. */
export type Logger = TsLogger<LogRecord>;

/** tslog level ids: silly 0, trace 1, debug 2, info 3, warn 4, error 5, fatal 6; 7 silences all. */
const LEVELS: Readonly<Record<string, number>> = {
  off: 7, error: 5, warn: 4, warning: 4, info: 3, debug: 2, trace: 1,
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
  /** Append JSON lines to this file. */
  readonly file?: string;
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
  if (options.file) log.attachTransport(fileTransport<LogRecord>({ path: options.file, format: 'json' }));
  if (options.sink) log.attachTransport({ name: 'sink', format: 'json', write: options.sink });
  return log;
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
