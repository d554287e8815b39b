/** Pebble clients by socket, and telling "Pebble is not there (yet)" from a real failure. */
import { ErrorCode, LuckyError } from '@lucky/core';
import { PebbleClient, PebbleError } from '../client/index.js';

/** Errors of a socket nobody serves (yet): the workload container is not up, or restarting. */
const UNREACHABLE = new Set(['ENOENT', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTSOCK']);

/** Whether `error` says that Pebble does not answer on its socket, rather than that it refused a request. */
export function isUnreachable(error: unknown): boolean {
  for (let cause = error; cause; cause = (cause as { cause?: unknown }).cause) {
    if (cause instanceof PebbleError && cause.statusCode > 0) return false;
    const code = (cause as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && UNREACHABLE.has(code)) return true;
  }
  return false;
}

/** A Pebble failure as Lucky's error: what was being done, in which container, Pebble's own words. */
export function pebbleFailure(what: string, container: string, socketPath: string, error: unknown): LuckyError {
  if (isUnreachable(error)) {
    return new LuckyError(
      ErrorCode.ContainerFailed,
      `${what} in container "${container}" failed: Pebble does not answer on ${socketPath}; is the workload container up?`,
      {
        cause: error,
      },
    );
  }
  // Lucky's own errors (refusals, timeouts, protocol errors) pass as they are; Pebble's answers get what was being done and where.
  if (error instanceof LuckyError && !(error instanceof PebbleError)) return error;
  const why = error instanceof PebbleError ? error.apiMessage : (error as Error).message;
  return new LuckyError(ErrorCode.ContainerFailed, `${what} in container "${container}" failed: ${why}`, { cause: error });
}

/** One client per socket path (the containers' directory may move between hooks in the simulator). */
export class PebbleClients {
  private readonly clients = new Map<string, PebbleClient>();
  private readonly timeoutMs: number | undefined;

  constructor(timeoutMs: number | undefined) {
    this.timeoutMs = timeoutMs;
  }

  get(socketPath: string): PebbleClient {
    let client = this.clients.get(socketPath);
    if (!client) {
      client = new PebbleClient({ socketPath, ...(this.timeoutMs === undefined ? {} : { timeoutMs: this.timeoutMs }) });
      this.clients.set(socketPath, client);
    }
    return client;
  }
}
