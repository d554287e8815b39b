import { createRequire } from 'node:module';
import type Docker from 'dockerode';
import { ErrorCode, LuckyError } from '@lucky/core';

export const DEFAULT_SOCKET = '/var/run/docker.sock';
const PING_TIMEOUT_MS = 5_000;

/**
 * The engine's Unix socket: the plugin option, else `DOCKER_HOST` (`unix://…`
 * only), else /var/run/docker.sock.
 */
export function resolveSocketPath(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (option) return option;
  const host = env.DOCKER_HOST;
  if (!host) return DEFAULT_SOCKET;
  if (host.startsWith('unix://')) return host.slice('unix://'.length);
  if (host.startsWith('/')) return host;
  throw new LuckyError(
    ErrorCode.ContainerFailed,
    `DOCKER_HOST=${host} is not supported: Lucky talks to the Docker engine over a Unix socket; set DOCKER_HOST=unix:///path/to/docker.sock or unset it`,
  );
}

/** The HTTP status of an engine error, if it has one. */
export function statusCode(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** The engine's own words for a failure, without docker-modem's "(HTTP code 500) server error - " prefix. */
export function engineReason(error: unknown): string {
  const json = (error as { json?: unknown } | undefined)?.json;
  if (json && typeof json === 'object' && typeof (json as { message?: unknown }).message === 'string') return (json as { message: string }).message.trim();
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'ENOENT') return 'no socket there (is Docker installed and running?)';
  if (code === 'ECONNREFUSED') return 'connection refused (is dockerd running?)';
  if (code === 'EACCES') return 'permission denied on the socket';
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^\(HTTP code \d+\) [^-]*- /, '').trim();
}

/** `LuckyError(ContainerFailed)` saying what failed, with the engine's reason. */
export function engineFailure(what: string, error: unknown): LuckyError {
  if (error instanceof LuckyError) return error;
  return new LuckyError(ErrorCode.ContainerFailed, `${what}: ${engineReason(error)}`, { cause: error });
}

/** A connection to one Docker engine (dockerode over its Unix socket). */
export class Engine {
  readonly socketPath: string;
  private client: Docker | undefined;

  constructor(socketPath: string) {
    this.socketPath = socketPath;
  }

  /**
   * dockerode, loaded on first use: it pulls in a large module graph, and a daemon
   * whose charm never touches containers (use-docker: false) should not carry it.
   */
  get docker(): Docker {
    if (!this.client) {
      const DockerClass = createRequire(import.meta.url)('dockerode') as typeof Docker;
      this.client = new DockerClass({ socketPath: this.socketPath });
    }
    return this.client;
  }

  /** Resolves undefined when the engine answers, else the reason it does not. */
  async ping(timeoutMs = PING_TIMEOUT_MS): Promise<string | undefined> {
    try {
      // The typings lack ping's options; dockerode passes abortSignal through.
      await (this.docker.ping as (options: { abortSignal: AbortSignal }) => Promise<unknown>).call(this.docker, {
        abortSignal: AbortSignal.timeout(timeoutMs),
      });
      return undefined;
    } catch (error) {
      if ((error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError') return `no answer within ${timeoutMs} ms`;
      return engineReason(error);
    }
  }

  /** Throws "Docker engine unreachable at <socket>: <reason>" unless the engine answers. */
  async reachable(): Promise<void> {
    const reason = await this.ping();
    if (reason !== undefined) throw unreachable(this.socketPath, reason);
  }
}

export function unreachable(socketPath: string, reason: string): LuckyError {
  return new LuckyError(ErrorCode.ContainerFailed, `Docker engine unreachable at ${socketPath}: ${reason}`);
}
