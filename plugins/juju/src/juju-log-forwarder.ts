import type { DaemonContext, LogRecord } from '@lucky/core';
import { recordMessage } from '@lucky/core';
import { forwardToJujuLog, type JujuLogLevel } from './tools/log.js';

const LEVELS: Readonly<Record<string, JujuLogLevel>> = { INFO: 'INFO', WARN: 'WARNING', ERROR: 'ERROR', FATAL: 'ERROR' };

/**
 * Forwards daemon log records at info and above to `juju-log` while a hook runs,
 * one call at a time and in order. Script output is left out: it already reaches
 * Juju through the hook process. Failures are dropped, since logging must never
 * fail a hook.
 */
export class JujuLogForwarder {
  private queue: Promise<void> = Promise.resolve();
  private readonly daemon: DaemonContext;

  constructor(daemon: DaemonContext) {
    this.daemon = daemon;
  }

  attach(): void {
    this.daemon.log.attachTransport({
      name: 'juju-log',
      minLevel: 'INFO',
      write: (record: LogRecord) => this.forward(record),
    });
  }

  /** Resolves when every record queued so far has been sent. */
  drained(): Promise<void> {
    return this.queue;
  }

  private forward(record: LogRecord): void {
    const meta = record._logMeta as { name?: string; logLevelName?: string } | undefined;
    if (meta?.name === 'script-output') return;
    const hook = this.daemon.currentHook();
    if (!hook) return;
    const level = LEVELS[meta?.logLevelName ?? 'INFO'] ?? 'INFO';
    const message = recordMessage(record);
    this.queue = this.queue.then(() => forwardToJujuLog(hook.env, level, message)).catch(() => undefined);
  }
}
