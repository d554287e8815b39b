// The daemon's endpoint for `lucky`'s thin client (@lucky/cli's bin/lucky-thin.bash):
// scripts call `lucky` dozens of times per hook, and starting Node.js for each call is
// most of a hook's cost. Bash can open a TCP connection without starting anything
// (/dev/tcp), not a Unix socket; so the daemon also listens on a loopback port and
// runs those command lines itself, with the caller's environment, as Juju's unit
// agent serves its hook tools. Anything it does not run, it declines before doing
// anything, and the client then runs the Node.js CLI, which answers as it always did.
//
// The protocol (version 1), every field ending with a NUL byte:
//   daemon → client  `LUCKY-THIN 1 <server token>`: proves the daemon (a process
//                    that took the port after a crash cannot), before the client sends anything;
//   client → daemon  `<client token>` `<pid>` `<argc>` then each argument: the daemon
//                    reads the caller's environment and directory from /proc/<pid>;
//   daemon → client  frames: `o<text>` / `e<text>` (stdout / stderr, no NUL inside),
//                    `O<n>` / `E<n>` followed by n raw bytes (large or binary output),
//                    then `x<exit code>` (the end) or `d` (declined: nothing was done).
// The port and both tokens are in `<socket>.thin`, mode 0600 in the socket's private
// directory: whoever may use the Unix socket may use the port, and nobody else.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { rmSync } from 'node:fs';
// Synchronous: /proc is in memory, and fs/promises would cost several times the CPU on every call.
import { readFileSync, readlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import type { Logger } from '../log.js';
import { writeFileAtomicSync } from '../system/atomic-write.js';

/** One command line a thin client asks the daemon to run. */
export interface ThinCall {
  readonly argv: readonly string[];
  /** The caller's environment, as `lucky` was started with it. */
  readonly env: Record<string, string>;
  /** The caller's working directory. */
  readonly cwd: string;
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Aborted when the client goes away (Juju killed the hook, or the script was interrupted). */
  readonly signal: AbortSignal;
}

/** Runs a command line for a thin client: its exit code, or undefined to decline (nothing written, nothing done). */
export type ThinCommandRunner = (call: ThinCall) => Promise<number | undefined>;

export const THIN_PROTOCOL = 'LUCKY-THIN 1';
/** Output chunks up to this size without a NUL go as text frames, which bash reads without starting a process. */
const TEXT_FRAME_MAX = 16 * 1024;
/** A request (arguments included) larger than this is refused: the Node.js CLI takes it. */
const REQUEST_MAX = 1024 * 1024;
const ARGC_MAX = 10_000;
const REQUEST_TIMEOUT_MS = 10_000;

/** The file next to the daemon socket that tells clients the port and tokens. */
export function thinEndpointFile(socketPath: string): string {
  return `${socketPath}.thin`;
}

export class ThinServer {
  private readonly server: Server;
  private readonly clientToken = randomBytes(24).toString('hex');
  private readonly serverToken = randomBytes(24).toString('hex');
  private readonly sockets = new Set<Socket>();
  private file: string | undefined;
  private readonly run: ThinCommandRunner;
  private readonly log: Logger;

  constructor(run: ThinCommandRunner, log: Logger) {
    this.run = run;
    this.log = log;
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Listens on an ephemeral loopback port and writes the endpoint file for `socketPath`. */
  async listen(socketPath: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('the thin-client listener has no port');
    this.file = thinEndpointFile(socketPath);
    writeFileAtomicSync(this.file, `${address.port} ${this.clientToken} ${this.serverToken}\n`, { mode: 0o600, durable: false });
  }

  /** Removes the endpoint file first (new clients take the Node.js CLI), then ends every connection. */
  async close(): Promise<void> {
    if (this.file) rmSync(this.file, { force: true });
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    const abort = new AbortController();
    socket.on('close', () => {
      this.sockets.delete(socket);
      abort.abort();
    });
    socket.on('error', (error) => this.log.debug('Thin client connection error', error.message));
    socket.setNoDelay(true);
    // A client that connects and sends nothing is not kept; once a command runs, it may be silent as long as it likes.
    socket.setTimeout(REQUEST_TIMEOUT_MS, () => socket.destroy());
    socket.write(`${THIN_PROTOCOL} ${this.serverToken}\0`);
    const fields: string[] = [];
    let pending: Buffer = Buffer.alloc(0);
    let received = 0;
    let expected = 3;
    const stop = (): void => void socket.off('data', onData);
    const onData = (data: Buffer): void => {
      received += data.length;
      pending = pending.length === 0 ? data : Buffer.concat([pending, data]);
      for (let end = pending.indexOf(0); end >= 0 && fields.length < expected; end = pending.indexOf(0)) {
        fields.push(pending.subarray(0, end).toString('utf8'));
        pending = pending.subarray(end + 1);
        if (fields.length === 1 && !this.tokenMatches(fields[0] ?? '')) {
          stop();
          this.log.warn('Refused a thin-client connection with a wrong token');
          socket.destroy();
          return;
        }
        if (fields.length === 3) {
          const argc = Number(fields[2]);
          if (!Number.isInteger(argc) || argc < 0 || argc > ARGC_MAX) {
            stop();
            return this.refuse(socket, `bad argument count ${JSON.stringify(fields[2])}`);
          }
          expected = 3 + argc;
        }
      }
      if (fields.length === expected) {
        stop();
        socket.setTimeout(0);
        void this.serve(socket, fields, abort.signal);
      } else if (received > REQUEST_MAX) {
        stop();
        this.refuse(socket, `a request over ${REQUEST_MAX} bytes`);
      }
    };
    socket.on('data', onData);
  }

  private tokenMatches(token: string): boolean {
    const given = Buffer.from(token);
    const wanted = Buffer.from(this.clientToken);
    return given.length === wanted.length && timingSafeEqual(given, wanted);
  }

  /** A malformed request from a client that knew the token: declined, so the Node.js CLI can still answer. */
  private refuse(socket: Socket, what: string): void {
    this.log.warn(`Declined a thin-client request: ${what}`);
    socket.end('d\0');
  }

  private async serve(socket: Socket, fields: readonly string[], signal: AbortSignal): Promise<void> {
    const pid = Number(fields[1]);
    const argv = fields.slice(3);
    let env: Record<string, string>;
    let cwd: string;
    try {
      if (!Number.isInteger(pid) || pid <= 0) throw new Error(`bad pid ${JSON.stringify(fields[1])}`);
      env = readEnvironment(pid);
      cwd = readlinkSync(`/proc/${pid}/cwd`);
    } catch (error) {
      // No /proc (not Linux), or a caller of another user: the Node.js CLI runs the command.
      return this.refuse(socket, `cannot read the caller's environment (${(error as Error).message})`);
    }
    const frames = (text: string, raw: string) =>
      new Writable({
        write: (chunk: Buffer, _encoding, done) => {
          if (!socket.destroyed) {
            if (chunk.length <= TEXT_FRAME_MAX && !chunk.includes(0)) socket.write(Buffer.concat([Buffer.from(text), chunk, Buffer.from([0])]));
            else socket.write(Buffer.concat([Buffer.from(`${raw}${chunk.length}\0`), chunk]));
          }
          done();
        },
      });
    let code: number | undefined;
    try {
      code = await this.run({ argv, env, cwd, stdout: frames('o', 'O'), stderr: frames('e', 'E'), signal });
    } catch (error) {
      // The runner reports a command's own errors; this is a bug in it. The client says the connection closed.
      this.log.error('A thin-client command failed', error);
      socket.destroy();
      return;
    }
    socket.end(code === undefined ? 'd\0' : `x${code}\0`);
  }
}

/** `/proc/<pid>/environ`: NUL-separated `NAME=value` entries. */
function readEnvironment(pid: number): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
    const equals = entry.indexOf('=');
    if (equals > 0) env[entry.slice(0, equals)] = entry.slice(equals + 1);
  }
  return env;
}
