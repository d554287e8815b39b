import { connect, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { checkTrustedDir } from '../paths.js';
import { ErrorCode, LuckyError, type ErrorCode as ErrorCodeT } from '../errors.js';
import { LineSplitter } from './framing.js';
import type { RpcMethodName, RpcParams, RpcResult } from './methods.js';
import { PROTOCOL_VERSION, type RpcResponse } from './protocol.js';

export interface CallOptions {
  /** Called for every notification the daemon sends while this call runs (`hook.output`). */
  readonly onNotification?: (method: string, params: unknown) => void;
  readonly signal?: AbortSignal;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onNotification?: ((method: string, params: unknown) => void) | undefined;
}

/**
 * One connection to a unit's daemon. The `daemon.hello` handshake is pipelined
 * with the first call, so a CLI command costs a single round trip.
 */
export class DaemonClient {
  readonly socketPath: string;
  private readonly socket: Socket;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closedError: Error | undefined;
  private hello: Promise<RpcResult<'daemon.hello'>> | undefined;

  private constructor(socketPath: string, socket: Socket) {
    this.socketPath = socketPath;
    this.socket = socket;
    const splitter = new LineSplitter(
      (line) => this.onLine(line),
      () => this.fail(new LuckyError(ErrorCode.DaemonProtocol, `The daemon at ${socketPath} sent an oversized frame.`)),
      64 * 1024 * 1024,
    );
    socket.on('data', (data: Buffer) => splitter.push(data));
    // A reset, a write to a connection the daemon closed (EPIPE) or any other socket
    // error means the daemon is gone for this client: say so, not the raw errno.
    // Node's own codes (a write racing the close: ERR_STREAM_WRITE_AFTER_END) say nothing more than "closed".
    socket.on('error', (error: NodeJS.ErrnoException) => this.fail(this.connectionLost(/^E[A-Z0-9]+$/.test(error.code ?? '') ? error.code : undefined, error)));
    socket.on('close', () => this.fail(this.connectionLost(undefined)));
  }

  /** The error every pending and later call gets once the connection is gone. */
  private connectionLost(reason: string | undefined, cause?: Error): LuckyError {
    return new LuckyError(
      ErrorCode.DaemonUnavailable,
      `The Lucky daemon at ${this.socketPath} closed the connection${reason === undefined ? '' : ` (${reason})`} before answering; check its log (by default daemon.log in the unit's data directory) for why.`,
      cause === undefined ? undefined : { cause },
    );
  }

  /**
   * Connects and performs the handshake. `context` is the caller's `JUJU_CONTEXT_ID`,
   * which ties Juju-backed calls to the hook the calling script runs in.
   */
  static async connect(socketPath: string, options: { context?: string | undefined; retries?: number } = {}): Promise<DaemonClient> {
    // Before anything is sent: a socket in a directory another user controls could be a fake daemon.
    checkTrustedDir(dirname(socketPath));
    const socket = await openSocket(socketPath, options.retries ?? 0);
    const client = new DaemonClient(socketPath, socket);
    const hello = client.call('daemon.hello', { protocol: PROTOCOL_VERSION, context: options.context });
    client.hello = hello;
    hello.then(
      (result) => {
        if (result.protocol !== PROTOCOL_VERSION) {
          client.fail(
            new LuckyError(
              ErrorCode.DaemonProtocol,
              `The Lucky daemon at ${socketPath} speaks protocol ${result.protocol} but this lucky speaks ${PROTOCOL_VERSION}; restart the daemon with "lucky daemon stop" so the next hook starts a matching one.`,
            ),
          );
        }
      },
      () => undefined,
    );
    return client;
  }

  /** The daemon's answer to the handshake (its version, pid and charm fingerprint); already requested by `connect`. */
  handshake(): Promise<RpcResult<'daemon.hello'>> {
    return this.hello ?? Promise.reject(new LuckyError(ErrorCode.DaemonUnavailable, 'No handshake was made on this connection.'));
  }

  call<M extends RpcMethodName>(method: M, params: RpcParams<M>, options: CallOptions = {}): Promise<RpcResult<M>> {
    return this.callRaw(method, params, options) as Promise<RpcResult<M>>;
  }

  /** Calls a method by name without static types (methods of third-party plugins). */
  callRaw(method: string, params: unknown, options: CallOptions = {}): Promise<unknown> {
    if (this.closedError) return Promise.reject(this.closedError);
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      const onAbort = (): void => {
        this.pending.delete(id);
        reject(new LuckyError(ErrorCode.DaemonUnavailable, `The call ${method} to the Lucky daemon was aborted.`));
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: (value) => {
          options.signal?.removeEventListener('abort', onAbort);
          resolve(value);
        },
        reject: (error) => {
          options.signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
        onNotification: options.onNotification,
      });
      this.socket.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    });
  }

  close(): void {
    this.closedError ??= new LuckyError(ErrorCode.DaemonUnavailable, 'The connection to the Lucky daemon is closed.');
    this.socket.end();
    this.socket.destroy();
  }

  private onLine(line: string): void {
    let message: RpcResponse & { method?: string; params?: unknown };
    try {
      message = JSON.parse(line) as RpcResponse & { method?: string; params?: unknown };
    } catch {
      this.fail(new LuckyError(ErrorCode.DaemonProtocol, `The Lucky daemon at ${this.socketPath} sent a frame that is not JSON.`));
      return;
    }
    if (typeof message.method === 'string') {
      const params = message.params as { id?: number } | undefined;
      const target = params && typeof params.id === 'number' ? this.pending.get(params.id) : undefined;
      target?.onNotification?.(message.method, message.params);
      return;
    }
    if (typeof message.id !== 'number') return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if (message.error) pending.reject(toError(message.error.code, message.error.message, message.error.data));
    else pending.resolve(message.result);
  }

  private fail(error: Error): void {
    this.closedError ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    this.socket.destroy();
  }
}

function toError(code: number, message: string, data: unknown): LuckyError {
  const luckyCode = (code > 0 ? code : ErrorCode.DaemonProtocol) as ErrorCodeT;
  return new LuckyError(luckyCode, message, typeof data === 'object' && data !== null ? { data: data as Record<string, unknown> } : undefined);
}

async function openSocket(path: string, retries: number): Promise<Socket> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const socket = connect(path);
        socket.once('connect', () => {
          socket.removeListener('error', reject);
          resolve(socket);
        });
        socket.once('error', reject);
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (attempt >= retries || (code !== 'ENOENT' && code !== 'ECONNREFUSED')) {
        throw new LuckyError(
          ErrorCode.DaemonUnavailable,
          `The Lucky daemon is not running: nothing answers at ${path} (${code ?? 'error'}). It is started by the charm's hooks (lucky dispatch); outside a hook start it with "lucky daemon start".`,
          { cause: error },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
