import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import * as v from 'valibot';
import { ErrorCode, LuckyError, errorCodeName, isLuckyError } from '../errors.js';
import type { Logger } from '../log.js';
import { checkSocketPathLength } from '../paths.js';
import { LineSplitter } from './framing.js';
import { MAX_FRAME_BYTES, RpcErrorCode, type RpcErrorObject } from './protocol.js';

/** Per-connection facts a handler may use. */
export interface RpcConnection {
  /** `JUJU_CONTEXT_ID` the client announced in `daemon.hello`, if any. */
  context: string | undefined;
  /** Sends a notification to this client (ignored once it disconnected). */
  notify(method: string, params: unknown): void;
  /** Aborted when the client disconnects, so long calls can stop early. */
  readonly signal: AbortSignal;
}

/** One request being served. */
export interface RpcCall {
  readonly connection: RpcConnection;
  readonly method: string;
  /** Sends a notification tied to this request (its `params.id` is the request id). */
  notify(method: string, params: Record<string, unknown>): void;
}

export type RpcHandler = (params: unknown, call: RpcCall) => Promise<unknown> | unknown;

export interface RpcMethodDefinition {
  readonly params: v.GenericSchema;
  readonly handler: RpcHandler;
}

/**
 * JSON-RPC 2.0 over a Unix socket, one JSON object per line. Every failure of a
 * single frame or client is answered or dropped without affecting other clients.
 */
export class RpcServer {
  private readonly methods = new Map<string, RpcMethodDefinition & { readonly owner: string }>();
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private readonly log: Logger;

  constructor(log: Logger) {
    this.log = log;
  }

  /** Serves `name`; `owner` (a plugin name) is named when two plugins claim the same method. */
  register(name: string, owner: string, definition: RpcMethodDefinition): void {
    const existing = this.methods.get(name);
    if (existing) {
      throw new LuckyError(ErrorCode.PluginFailed, `The RPC method ${name} is provided by both ${existing.owner} and ${owner}; remove one of the plugins.`);
    }
    this.methods.set(name, { ...definition, owner });
  }

  /** Binds the socket (0600, directory 0700), replacing a stale socket file. */
  async listen(path: string): Promise<void> {
    checkSocketPathLength(path);
    const dir = dirname(path);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (await isAlive(path)) {
      throw new LuckyError(ErrorCode.DaemonStartFailed, `Another Lucky daemon already answers at ${path}.`);
    }
    rmSync(path, { force: true });
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    // The umask decides the mode bind() gives; tighten it so no one else can ever connect.
    const oldMask = process.umask(0o177);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(path, () => {
          server.removeListener('error', reject);
          resolve();
        });
      });
    } finally {
      process.umask(oldMask);
    }
    chmodSync(path, 0o600);
    server.on('error', (error) => this.log.error('RPC server error', error));
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    const abort = new AbortController();
    const connection: RpcConnection = {
      context: undefined,
      signal: abort.signal,
      notify: (method, params) => {
        if (!socket.destroyed) socket.write(`${JSON.stringify({ jsonrpc: '2.0', method, params })}\n`);
      },
    };
    const splitter = new LineSplitter(
      (line) => void this.handleLine(line, socket, connection),
      () => {
        this.log.warn(`Refused an RPC frame over ${MAX_FRAME_BYTES} bytes; closing that connection`);
        send(socket, null, undefined, { code: RpcErrorCode.ParseError, message: `Frame larger than ${MAX_FRAME_BYTES} bytes refused.` });
        socket.end();
      },
    );
    socket.on('data', (data: Buffer) => splitter.push(data));
    socket.on('error', (error) => this.log.debug('RPC client connection error', error.message));
    socket.on('close', () => {
      this.sockets.delete(socket);
      if (splitter.pending > 0) this.log.debug(`RPC client left a half-written frame of ${splitter.pending} bytes`);
      abort.abort();
    });
  }

  private async handleLine(line: string, socket: Socket, connection: RpcConnection): Promise<void> {
    let request: unknown;
    try {
      request = JSON.parse(line);
    } catch {
      send(socket, null, undefined, { code: RpcErrorCode.ParseError, message: 'Parse error: the frame is not valid JSON.' });
      return;
    }
    if (!isRecord(request) || request.jsonrpc !== '2.0' || typeof request.method !== 'string') {
      const id = isRecord(request) && isId(request.id) ? request.id : null;
      send(socket, id, undefined, {
        code: RpcErrorCode.InvalidRequest,
        message: 'Invalid request: expected a JSON-RPC 2.0 object with "jsonrpc":"2.0" and a string "method".',
      });
      return;
    }
    const id = isId(request.id) ? request.id : undefined;
    const method = this.methods.get(request.method);
    if (!method) {
      if (id !== undefined) send(socket, id, undefined, { code: RpcErrorCode.MethodNotFound, message: `Unknown method: ${request.method}.` });
      return;
    }
    const parsed = v.safeParse(method.params, request.params ?? {});
    if (!parsed.success) {
      const issues = parsed.issues.map((issue) => `${v.getDotPath(issue) ?? '(params)'}: ${issue.message}`);
      if (id !== undefined) {
        send(socket, id, undefined, {
          code: RpcErrorCode.InvalidParams,
          message: `Invalid params for ${request.method}: ${issues.join('; ')}`,
          data: { issues },
        });
      }
      return;
    }
    const started = performance.now();
    try {
      const call: RpcCall = {
        connection,
        method: request.method,
        notify: (name, params) => connection.notify(name, { ...params, id }),
      };
      const result = await method.handler(parsed.output, call);
      if (id !== undefined) send(socket, id, result ?? {});
      this.log.debug(`rpc ${request.method} ok in ${(performance.now() - started).toFixed(2)} ms`);
    } catch (error) {
      if (id === undefined) return;
      if (isLuckyError(error)) {
        this.log.debug(`rpc ${request.method} failed: ${error.message}`);
        send(socket, id, undefined, { code: error.code, message: error.message, data: { name: errorCodeName(error.code), ...error.data } });
      } else {
        this.log.error(`Internal error in RPC method ${request.method}`, error);
        send(socket, id, undefined, {
          code: RpcErrorCode.InternalError,
          message: `Internal error in the Lucky daemon while running ${request.method}: ${error instanceof Error ? error.message : String(error)}. This is a bug in Lucky; the daemon log has the details.`,
        });
      }
    }
  }
}

function send(socket: Socket, id: number | string | null, result: unknown, error?: RpcErrorObject): void {
  if (socket.destroyed || !socket.writable) return;
  const message = error ? { jsonrpc: '2.0', id, error } : { jsonrpc: '2.0', id, result };
  socket.write(`${JSON.stringify(message)}\n`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isId(value: unknown): value is number | string | null {
  return typeof value === 'number' || typeof value === 'string' || value === null;
}

/** Whether a daemon answers on `path`; a refused or missing socket means it is stale. */
export function isAlive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
