import { Logger } from 'tslog';

export type LogLevel = 'info' | 'warn' | 'error';

/**
 * The service's log: tslog, one plain line per record on stdout
 * (`<ISO time> <LEVEL> <message>`), which Pebble keeps as the service's log.
 */
export function createServiceLog(out: NodeJS.WritableStream = process.stdout): (level: LogLevel, message: string) => void {
  const logger = new Logger<Record<string, unknown>>({ name: 'httpreq-provider', type: 'hidden', stack: { capture: 'off' } });
  logger.attachTransport((record) => {
    const meta = (record as { _logMeta?: { logLevelName?: string } })._logMeta;
    out.write(`${new Date().toISOString()} ${meta?.logLevelName ?? 'INFO'} ${String((record as Record<string, unknown>)['0'])}\n`);
  });
  return (level, message) => void logger[level](message);
}
