import type { Readable } from 'node:stream';
import { connectWebSocket, type WebSocket } from '../websocket/index.js';
import { formatDuration } from './duration.js';
import { PebbleProtocolError } from './errors.js';

export interface ExecOptions {
  environment?: Record<string, string>;
  workingDir?: string;
  user?: string;
  userId?: number;
  group?: string;
  groupId?: number;
  /** Pebble ends the command after this long; the exec then fails with a PebbleChangeError. */
  timeoutMs?: number;
  stdin?: string | Buffer | NodeJS.ReadableStream;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  /** Aborting sends `killSignal` to the command through the control websocket. */
  signal?: AbortSignal;
  /** The signal an abort sends (default SIGTERM). */
  killSignal?: string;
  /** Run in the context (environment, user, working dir) of this service. */
  serviceContext?: string;
}

/** The JSON body of `POST /v1/exec`, as Pebble's execPayload spells it. */
export function execPayload(command: readonly string[], options: ExecOptions): Record<string, unknown> {
  const body: Record<string, unknown> = {
    command,
    environment: options.environment ?? {},
    'working-dir': options.workingDir ?? '',
    timeout: options.timeoutMs === undefined ? '' : formatDuration(options.timeoutMs),
    user: options.user ?? '',
    group: options.group ?? '',
    terminal: false,
    interactive: false,
    'split-stderr': true,
    width: 0,
    height: 0,
  };
  if (options.userId !== undefined) body['user-id'] = options.userId;
  if (options.groupId !== undefined) body['group-id'] = options.groupId;
  if (options.serviceContext !== undefined) body['service-context'] = options.serviceContext;
  return body;
}

const END = JSON.stringify({ command: 'end' });
const STDIN_CHUNK = 64 * 1024;

/**
 * Receives one output stream of an exec: binary messages are output, the text
 * message `{"command":"end"}` (or the socket closing) ends it.
 */
export function receiveStream(ws: WebSocket, onChunk: ((chunk: Buffer) => void) | undefined, where: string): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.on('message', (data, binary) => {
      if (binary) {
        onChunk?.(data);
        return;
      }
      let command: unknown;
      try {
        command = (JSON.parse(data.toString('utf8')) as { command?: unknown }).command;
      } catch {
        reject(new PebbleProtocolError(where, `a text message on an output websocket is not JSON: ${data.toString('utf8').slice(0, 80)}`));
        return;
      }
      if (command === 'end') resolve();
    });
    ws.on('close', () => resolve());
  });
}

/** Sends stdin as binary messages, then `{"command":"end"}`. */
export async function sendStdin(ws: WebSocket, stdin: ExecOptions['stdin']): Promise<void> {
  if (typeof stdin === 'string' || Buffer.isBuffer(stdin)) {
    const bytes = typeof stdin === 'string' ? Buffer.from(stdin, 'utf8') : stdin;
    for (let at = 0; at < bytes.length; at += STDIN_CHUNK) await ws.send(bytes.subarray(at, at + STDIN_CHUNK));
  } else if (stdin !== undefined) {
    for await (const chunk of stdin as Readable) {
      if (!ws.open) return;
      await ws.send(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer));
    }
  }
  if (ws.open) await ws.send(END);
}

export interface ExecSockets {
  readonly control: WebSocket;
  readonly stdio: WebSocket;
  readonly stderr: WebSocket;
}

/** Opens the three websockets of an exec task, control first as Pebble's clients do; if one fails, those already open are closed. */
export async function openExecSockets(socketPath: string, taskId: string, timeoutMs: number): Promise<ExecSockets> {
  const open = (id: string) => connectWebSocket({ socketPath, path: `/v1/tasks/${encodeURIComponent(taskId)}/websocket/${id}`, timeoutMs });
  const opened: WebSocket[] = [];
  try {
    for (const id of ['control', 'stdio', 'stderr']) opened.push(await open(id));
  } catch (error) {
    await Promise.all(opened.map((ws) => (ws.open ? ws.close() : ws.closed).catch(() => undefined)));
    throw error;
  }
  const [control, stdio, stderr] = opened as [WebSocket, WebSocket, WebSocket];
  return { control, stdio, stderr };
}

/** `{"command":"signal","signal":{"name":"SIGTERM"}}` on the control websocket. */
export function signalMessage(name: string): string {
  return JSON.stringify({ command: 'signal', signal: { name } });
}
