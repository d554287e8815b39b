/** Pebble's JSON envelope: `{"type":"sync"|"async"|"error","status-code":…,"status":…,"result":…,"change":…}`. */
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** An error Pebble answers with: status code, `result.message` and, for some, `result.kind`. */
export class ApiError extends Error {
  readonly status: number;
  readonly kind: string | undefined;
  constructor(status: number, message: string, kind?: string) {
    super(message);
    this.status = status;
    this.kind = kind;
  }
}

export const badRequest = (message: string, kind?: string) => new ApiError(400, message, kind);
export const notFound = (message: string, kind?: string) => new ApiError(404, message, kind);

export function envelope(type: 'sync' | 'async' | 'error', status: number, result: unknown, change?: string): string {
  const body: Record<string, unknown> = { type, 'status-code': status, status: STATUS_CODES[status] ?? '' };
  if (change !== undefined) body.change = change;
  body.result = result ?? null;
  return JSON.stringify(body);
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendSync(res: ServerResponse, result: unknown, status = 200): void {
  send(res, status, envelope('sync', status, result));
}

export function sendAsync(res: ServerResponse, change: string, result: unknown = null): void {
  send(res, 202, envelope('async', 202, result, change));
}

export function errorResult(error: ApiError): Record<string, string> {
  return error.kind === undefined ? { message: error.message } : { message: error.message, kind: error.kind };
}

export function sendError(res: ServerResponse, error: ApiError): void {
  send(res, error.status, envelope('error', error.status, errorResult(error)));
}

/** The same error on a raw socket (an upgrade request that cannot be upgraded). */
export function sendErrorOnSocket(socket: Duplex, error: ApiError): void {
  const text = envelope('error', error.status, errorResult(error));
  socket.end(
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}
