/**
 * The resident server of one model: hook tools are thin clients (tool-scripts.ts) that
 * send their arguments here, and the tool runs in this process against the model
 * files, as jujuc's commands run in the unit agent. What a tool changes is written to
 * model.json (atomically, fsynced) before the client gets its answer, so model.json stays
 * the source of truth every other process reads, and killing the server loses nothing
 * acknowledged.
 *
 * It listens on 127.0.0.1 because the client is bash, which cannot open a Unix socket;
 * a random token, in the endpoint file readable by the model's user only, keeps other
 * local users out.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { runTool } from '../tools/main.js';
import type { ToolIO } from '../tools/io.js';
import { encodeResponse, isStdinRequest, parseRequest, type ToolRequest } from './protocol.js';

export interface ModelServer {
  readonly port: number;
  readonly token: string;
  /** Requests being served now. */
  readonly active: number;
  /** Tool calls served since the start. */
  readonly served: number;
  /** When the last request ended (or the server started), for the idle exit. */
  readonly lastActivity: number;
  close(): Promise<void>;
}

/** Largest request (arguments) accepted; Linux's own limit on a command line is 2 MiB. */
const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

export async function startModelServer(): Promise<ModelServer> {
  const token = randomBytes(16).toString('hex');
  const expected = Buffer.from(token);
  const stdinWaiters = new Map<string, (data: Buffer) => void>();
  const state = { active: 0, served: 0, lastActivity: Date.now() };
  const tokenOk = (given: string): boolean => {
    const buffer = Buffer.from(given);
    return buffer.length === expected.length && timingSafeEqual(buffer, expected);
  };

  const serve = async (socket: Socket, request: ToolRequest): Promise<void> => {
    state.served++;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const io: ToolIO = {
      env: request.env,
      cwd: clientCwd(request),
      umask: clientUmask(request.pid),
      stdout: (text) => void out.push(Buffer.from(text)),
      stderr: (text) => void err.push(Buffer.from(text)),
      readStdin: () =>
        new Promise<Buffer>((resolve) => {
          const id = randomBytes(8).toString('hex');
          stdinWaiters.set(id, resolve);
          // A client gone before sending its stdin must not leave the call (and the server) waiting forever.
          socket.once('close', () => {
            if (stdinWaiters.delete(id)) resolve(Buffer.alloc(0));
          });
          socket.write(`S ${id} 0 0\n`);
        }),
    };
    const code = await runTool(request.name, request.args, io);
    socket.end(encodeResponse(code, Buffer.concat(err), Buffer.concat(out)));
  };

  const server: Server = createServer((socket) => {
    let data = Buffer.alloc(0);
    let handled = false;
    socket.on('error', () => undefined);
    const onData = (chunk: Buffer): void => {
      data = Buffer.concat([data, chunk]);
      let request;
      try {
        if (data.length > MAX_REQUEST_BYTES) throw new Error('request too large');
        request = parseRequest(data);
      } catch {
        socket.destroy();
        return;
      }
      if (request === null) return;
      if (!tokenOk(request.token)) {
        socket.destroy();
        return;
      }
      handled = true;
      socket.off('data', onData);
      if (isStdinRequest(request)) {
        const resolve = stdinWaiters.get(request.id);
        if (!resolve) {
          socket.destroy();
          return;
        }
        stdinWaiters.delete(request.id);
        // What followed the three header fields is the start of the caller's stdin.
        const header = ['LUCKYSIM1-STDIN', request.token, request.id].reduce((length, field) => length + Buffer.byteLength(field) + 1, 0);
        const chunks: Buffer[] = [data.subarray(header)];
        socket.on('data', (more: Buffer) => chunks.push(more));
        socket.on('end', () => {
          resolve(Buffer.concat(chunks));
          socket.end();
        });
        socket.on('close', () => resolve(Buffer.concat(chunks)));
        return;
      }
      // Not a tool: who answers, how many calls it served, how many are running.
      if (request.name === ':ping') {
        socket.end(encodeResponse(0, Buffer.alloc(0), Buffer.from(`${process.pid} ${state.served} ${state.active}`)));
        return;
      }
      state.active++;
      serve(socket, request)
        .catch((error: unknown) => {
          // runTool reports a tool's failures itself; this is the server's own trouble.
          socket.end(encodeResponse(1, Buffer.from(`ERROR model server: ${(error as Error).message}\n`), Buffer.alloc(0)));
        })
        .finally(() => {
          state.active--;
          state.lastActivity = Date.now();
        });
    };
    socket.on('data', onData);
    socket.on('end', () => {
      if (!handled) socket.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the model server has no TCP address');
  return {
    port: address.port,
    token,
    get active() {
      return state.active;
    },
    get served() {
      return state.served;
    },
    get lastActivity() {
      return state.lastActivity;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The caller's working directory as its own getcwd() says (symlinks resolved), else its $PWD. */
function clientCwd(request: ToolRequest): string {
  try {
    return readlinkSync(`/proc/${request.pid}/cwd`);
  } catch {
    return request.pwd;
  }
}

/** The caller's umask (Linux 4.7+ shows it in /proc), for files written with `-o`. */
function clientUmask(pid: number): number | null {
  try {
    const match = /^Umask:\s*([0-7]+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? null : Number.parseInt(match[1], 8);
  } catch {
    return null;
  }
}
