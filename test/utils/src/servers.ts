import { connect, createServer } from 'node:net';
import { processGone } from './process.js';
import { waitFor } from './wait.js';

/** A TCP port nothing listens on at `host` now (the kernel's choice). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error(`no free port on ${host}`))));
    });
  });
}

/** Resolves whether a TCP connection to host:port is accepted. */
export function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Waits until a server this test started accepts connections; fails early, with its log, if it exited. */
export async function waitListening(what: string, pid: number, host: string, port: number, log: () => string, timeoutMs = 20_000): Promise<void> {
  await waitFor(
    async () => {
      if (processGone(pid)) throw new Error(`${what} (pid ${pid}) exited before listening on ${host}:${port}:\n${log()}`);
      return accepts(host, port);
    },
    `${what} to listen on ${host}:${port}`,
    timeoutMs,
  );
}

/** Stops a server this test started: SIGTERM to its pid, then waits until it is gone. */
export async function stopServer(pid: number, what: string): Promise<void> {
  if (processGone(pid)) return;
  process.kill(pid, 'SIGTERM');
  await waitFor(() => processGone(pid), `${what} (pid ${pid}) to exit after SIGTERM`);
}
