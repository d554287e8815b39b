import { ErrorCode, LuckyError } from '@lucky/errors';
import type { Change } from './types.js';

/** Pebble answered with an error: `statusCode` is its status, `kind` its `result.kind`, the message names socket and endpoint. */
export class PebbleError extends LuckyError {
  readonly statusCode: number;
  readonly kind?: string;
  /** Pebble's own `result.message`. */
  readonly apiMessage: string;

  constructor(statusCode: number, apiMessage: string, where: string, kind?: string) {
    super(ErrorCode.ContainerFailed, `Pebble ${where} failed (${statusCode}${kind ? `, ${kind}` : ''}): ${apiMessage}`);
    this.name = 'PebbleError';
    this.statusCode = statusCode;
    if (kind !== undefined) this.kind = kind;
    this.apiMessage = apiMessage;
  }
}

/** A change ended in Error (a service did not start, an exec timed out…); `change` holds its tasks and log. */
export class PebbleChangeError extends PebbleError {
  readonly change: Change;

  constructor(change: Change, where: string) {
    super(200, change.err ?? `change ${change.id} ended with status ${change.status}`, where, 'change-error');
    this.name = 'PebbleChangeError';
    this.change = change;
  }
}

/** A files API call failed for its path (Pebble reports these per path, inside a 200 answer). */
export class PebblePathError extends PebbleError {
  readonly path: string;

  constructor(path: string, kind: string, apiMessage: string, where: string) {
    super(200, apiMessage, where, kind);
    this.name = 'PebblePathError';
    this.path = path;
  }
}

/** What came back is not Pebble's wire format (wrong envelope, missing field, bad multipart). */
export class PebbleProtocolError extends LuckyError {
  constructor(where: string, problem: string) {
    super(ErrorCode.DaemonProtocol, `Pebble ${where} answered something that is not Pebble's API: ${problem}; check that the socket is a Pebble socket`);
    this.name = 'PebbleProtocolError';
  }
}
