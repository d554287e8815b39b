import { createHash, randomBytes } from 'node:crypto';
import { request, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, type WebSocketOptions } from './connection.js';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** `Sec-WebSocket-Accept` for a `Sec-WebSocket-Key` (RFC 6455 §4.2.2). */
export function acceptKey(key: string): string {
  return createHash('sha1')
    .update(key + GUID)
    .digest('base64');
}

function headerHas(value: string | undefined, token: string): boolean {
  return (value ?? '')
    .split(',')
    .map((part) => part.trim().toLowerCase())
    .includes(token);
}

/** True when the request asks to upgrade to a WebSocket. */
export function isWebSocketRequest(req: IncomingMessage): boolean {
  return headerHas(req.headers.upgrade, 'websocket') && headerHas(req.headers.connection, 'upgrade');
}

/** A handshake that could not be completed (bad request, refused upgrade, wrong accept key…). */
export class HandshakeError extends Error {
  /** The HTTP status the server answered, when it answered with something else than 101. */
  readonly statusCode: number | undefined;
  /** The server's response body, when it refused the upgrade. */
  readonly body: string | undefined;
  constructor(message: string, statusCode?: number, body?: string) {
    super(message);
    this.name = 'HandshakeError';
    this.statusCode = statusCode;
    this.body = body;
  }
}

function refuse(socket: Duplex, status: number, message: string): void {
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${status === 426 ? 'Upgrade Required' : 'Bad Request'}\r\n` +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      (status === 426 ? 'Sec-WebSocket-Version: 13\r\n' : '') +
      'Connection: close\r\n\r\n' +
      body,
  );
}

/**
 * Completes the server side of a handshake from node:http's `upgrade` event
 * (§4.2): checks the method, version and key, answers 101 with the accept key,
 * and returns the connection; answers 400/426 and returns undefined otherwise.
 */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, options?: WebSocketOptions): WebSocket | undefined {
  const key = req.headers['sec-websocket-key'];
  if (req.method !== 'GET' || !isWebSocketRequest(req)) {
    refuse(socket, 400, 'expected a GET request with "Connection: Upgrade" and "Upgrade: websocket"');
    return undefined;
  }
  if (req.headers['sec-websocket-version'] !== '13') {
    refuse(socket, 426, 'unsupported Sec-WebSocket-Version (13 is supported)');
    return undefined;
  }
  if (typeof key !== 'string' || Buffer.from(key, 'base64').length !== 16) {
    refuse(socket, 400, 'missing or malformed Sec-WebSocket-Key');
    return undefined;
  }
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\n' + 'Upgrade: websocket\r\n' + 'Connection: Upgrade\r\n' + `Sec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`,
  );
  return new WebSocket(socket, 'server', head, options);
}

export interface ConnectOptions extends WebSocketOptions {
  /** Unix socket of the server. */
  readonly socketPath: string;
  /** Request path (with query). */
  readonly path: string;
  /** Give up on the handshake after this long (default 10 s). */
  readonly timeoutMs?: number;
  readonly headers?: Record<string, string>;
}

/** Opens a client WebSocket over a Unix socket and checks the server's accept key (§4.1). */
export function connectWebSocket(options: ConnectOptions): Promise<WebSocket> {
  const key = randomBytes(16).toString('base64');
  return new Promise((resolve, reject) => {
    const req = request({
      socketPath: options.socketPath,
      path: options.path,
      method: 'GET',
      headers: {
        ...options.headers,
        Host: 'localhost',
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Key': key,
        'Sec-WebSocket-Version': '13',
      },
      timeout: options.timeoutMs ?? 10_000,
    });
    req.on('timeout', () => req.destroy(new HandshakeError(`WebSocket handshake with ${options.path} timed out`)));
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        reject(new HandshakeError(`server answered ${res.statusCode} instead of upgrading ${options.path}: ${body.trim()}`, res.statusCode, body));
      });
    });
    req.on('upgrade', (res, socket, head) => {
      req.setTimeout(0);
      const accept = res.headers['sec-websocket-accept'];
      if (!headerHas(res.headers.upgrade, 'websocket') || !headerHas(res.headers.connection, 'upgrade') || accept !== acceptKey(key)) {
        socket.destroy();
        reject(
          new HandshakeError(`server's upgrade of ${options.path} is not a valid WebSocket handshake (wrong Upgrade, Connection or Sec-WebSocket-Accept)`),
        );
        return;
      }
      resolve(new WebSocket(socket, 'client', head, options));
    });
    req.end();
  });
}
