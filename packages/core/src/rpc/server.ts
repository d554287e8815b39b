import { chmodSync, mkdirSync } from 'node:fs';
import { lstat, unlink } from 'node:fs/promises';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import * as v from 'valibot';
import { ErrorCode, LuckyError, errorCodeName, isLuckyError } from '../errors.js';
import type { Logger } from '../log.js';
import { checkSocketPathLength, ensurePrivateDir } from '../paths.js';
import { LineSplitter } from './framing.js';
import { MAX_FRAME_BYTES, RpcErrorCode, type RpcErrorObject } from './protocol.js';

/** Who an endpoint serves: the host (scripts run by the daemon, operators) or the unit's containers. */
export type Audience = 'host' | 'container';

/** Connections served at once; more are refused, so idle clients cannot starve the rest. */
const MAX_CONNECTIONS = 256;
/** A connection with no call in flight for this long is closed. */
const IDLE_TIMEOUT_MS = 5 * 60_000;
/** How often each endpoint's socket file is checked, and recreated when it was deleted. */
const SOCKET_CHECK_MS = 1000;

/** Per-connection facts a handler may use. */
export interface RpcConnection {
  /** Where the client connected: `container` for the channel mounted into containers. */
  readonly audience: Audience;
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
  /** Also served on the container channel (script-facing methods only). */
  readonly container?: boolean | undefined;
}

interface Endpoint {
  readonly path: string;
  readonly audience: Audience;
  server: Server;
  /** The socket file's inode, to notice it was deleted or replaced. */
  inode: number;
}

/**
 * JSON-RPC 2.0 over a Unix socket, one JSON object per line. Every failure of a
 * single frame or client is answered or dropped without affecting other clients.
 */
export class RpcServer {
  private readonly methods = new Map<string, RpcMethodDefinition & { readonly owner: string }>();
  private readonly sockets = new Set<Socket>();
  private readonly endpoints: Endpoint[] = [];
  private watcher: NodeJS.Timeout | undefined;
  /** A socket check is running (they never overlap). */
  private checking = false;
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

  /**
   * Binds an endpoint, replacing a stale socket file. The host endpoint is private
   * (socket 0600 in a directory of ours, 0700, verified); the container endpoint is
   * 0666 in its own directory, which is mounted read-only into containers, so any
   * user of a container can connect but none can remove it. While the server runs,
   * a deleted socket file is recreated.
   */
  async listen(path: string, audience: Audience = 'host'): Promise<void> {
    checkSocketPathLength(path);
    const dir = dirname(path);
    if (audience === 'host') ensurePrivateDir(dir);
    else mkdirSync(dir, { recursive: true, mode: 0o755 });
    if (await isAlive(path)) {
      throw new LuckyError(ErrorCode.DaemonStartFailed, `Another Lucky daemon already answers at ${path}.`);
    }
    const endpoint: Endpoint = { path, audience, server: await this.bind(path, audience), inode: (await lstat(path)).ino };
    this.endpoints.push(endpoint);
    this.watcher ??= setInterval(() => this.checkSockets(), SOCKET_CHECK_MS).unref();
  }

  private async bind(path: string, audience: Audience): Promise<Server> {
    if (audience === 'container') {
      // A container channel may live in a directory a workload can write to (Pebble's shared
      // directory): never unlink or bind through a directory it swapped for a symlink.
      const dir = await lstat(dirname(path));
      if (!dir.isDirectory())
        throw new LuckyError(ErrorCode.DaemonStartFailed, `Refusing to serve ${path}: ${dirname(path)} is not a directory (replaced by a link?).`);
    }
    // unlink, not rmSync, which lstat()s a leftover socket synchronously (see recreateMissingSockets).
    await unlink(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    const server = createServer((socket) => this.accept(socket, audience));
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
    chmodSync(path, audience === 'host' ? 0o600 : 0o666);
    server.on('error', (error) => this.log.error('RPC server error', error));
    return server;
  }

  /** Recreates an endpoint whose socket file was deleted or replaced, so the unit is never stranded. */
  private checkSockets(): void {
    if (this.checking) return;
    this.checking = true;
    void this.recreateMissingSockets().finally(() => (this.checking = false));
  }

  /*
   * Only promise-based stats here: synchronous and callback stats leave their result in
   * a buffer Node shares with fs.realpathSync, and Node 20's realpathSync, seeing a
   * socket there, stops resolving symlinks, so a later require() of a package linked
   * by pnpm loads it from the link's path and cannot find its dependencies.
   */
  private async recreateMissingSockets(): Promise<void> {
    for (const endpoint of this.endpoints) {
      const inode = await lstat(endpoint.path).then(
        (info) => info.ino,
        () => undefined,
      );
      if (inode === endpoint.inode) continue;
      this.log.warn(`The daemon socket ${endpoint.path} was deleted or replaced; recreating it`);
      endpoint.inode = -1;
      // Close the old listener first: closing a Unix socket server unlinks its path, which would remove the new socket.
      // Connections made before stay open; only the listener is replaced.
      endpoint.server.close();
      await new Promise((resolve) => setImmediate(resolve));
      if (!this.endpoints.includes(endpoint)) return; // closed meanwhile
      try {
        const server = await this.bind(endpoint.path, endpoint.audience);
        if (!this.endpoints.includes(endpoint)) {
          server.close();
          return;
        }
        endpoint.server = server;
        endpoint.inode = (await lstat(endpoint.path)).ino;
      } catch (error) {
        this.log.error(`Could not recreate the daemon socket ${endpoint.path}`, error);
      }
    }
  }

  async close(): Promise<void> {
    if (this.watcher) clearInterval(this.watcher);
    this.watcher = undefined;
    const endpoints = this.endpoints.splice(0);
    // A server's close() waits for its connections, so end them in the same turn.
    const closed = Promise.all(endpoints.map((endpoint) => new Promise<void>((resolve) => endpoint.server.close(() => resolve()))));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private accept(socket: Socket, audience: Audience): void {
    if (this.sockets.size >= MAX_CONNECTIONS) {
      this.log.warn(`Refused a connection: ${MAX_CONNECTIONS} are open already`);
      send(socket, null, undefined, {
        code: ErrorCode.DaemonUnavailable,
        message: `The Lucky daemon is serving ${MAX_CONNECTIONS} connections already; retry.`,
      });
      socket.end();
      return;
    }
    this.sockets.add(socket);
    const abort = new AbortController();
    let inFlight = 0;
    let queue: Promise<void> = Promise.resolve();
    socket.setTimeout(IDLE_TIMEOUT_MS, () => {
      if (inFlight === 0) socket.destroy();
    });
    const connection: RpcConnection = {
      audience,
      context: undefined,
      signal: abort.signal,
      notify: (method, params) => {
        if (!socket.destroyed) socket.write(`${JSON.stringify({ jsonrpc: '2.0', method, params })}\n`);
      },
    };
    const splitter = new LineSplitter(
      (line) => {
        // One connection's requests are served in order, so a client reads its own writes
        // (a change is visible only once saved); other connections are not held up.
        inFlight++;
        queue = queue
          .then(() => this.handleLine(line, socket, connection))
          .catch((error: unknown) => void this.log.error('RPC request handling failed', error))
          .finally(() => inFlight--);
      },
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
    const found = this.methods.get(request.method);
    // The container channel serves script-facing methods only: no hook triggering, daemon control or host paths.
    const method = found && (connection.audience === 'host' || found.container) ? found : undefined;
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
      // Logged whether or not there is an id: a failed notification has no one else to tell.
      const system = error instanceof Error ? (error as NodeJS.ErrnoException) : undefined;
      if (isLuckyError(error)) {
        this.log.debug(`rpc ${request.method} failed: ${error.message}`);
        if (id !== undefined) {
          send(socket, id, undefined, { code: error.code, message: error.message, data: { name: errorCodeName(error.code), ...error.data } });
        }
      } else if (system && typeof system.code === 'string' && /^E[A-Z0-9]+$/.test(system.code)) {
        // An operating-system error (ENOSPC, EACCES, EROFS …): the unit's machine failed, not Lucky.
        const { code, syscall, path } = system;
        const detail = system.message.replace(`${code}: `, '').replace(/, \w+(?: '.*')?$/, '') || code;
        const hint =
          code === 'ENOSPC' || code === 'EDQUOT'
            ? ' Free some disk space there, then retry.'
            : code === 'EACCES' || code === 'EPERM'
              ? ' Check the ownership and permissions of that path.'
              : code === 'EROFS'
                ? ' That filesystem is mounted read-only.'
                : '';
        const what = path !== undefined ? `could not ${syscall ?? 'use'} ${path}` : syscall !== undefined ? `${syscall} failed` : 'a system call failed';
        const message = `${request.method} failed in the Lucky daemon: ${what}: ${detail} (${code}).${hint}`;
        this.log.error(message, error);
        if (id !== undefined) {
          send(socket, id, undefined, {
            code: ErrorCode.Unknown,
            message,
            data: {
              name: errorCodeName(ErrorCode.Unknown),
              errno: code,
              ...(syscall !== undefined ? { syscall } : {}),
              ...(path !== undefined ? { path } : {}),
            },
          });
        }
      } else {
        this.log.error(`Internal error in RPC method ${request.method}${id === undefined ? ' (a notification: no reply is sent)' : ''}`, error);
        if (id !== undefined) {
          send(socket, id, undefined, {
            code: RpcErrorCode.InternalError,
            message: `Internal error in the Lucky daemon while running ${request.method}: ${error instanceof Error ? error.message : String(error)}. This is a bug in Lucky; the daemon log has the details.`,
          });
        }
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
