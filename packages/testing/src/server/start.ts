/**
 * Starting, finding and stopping a model's server from the processes that run hooks.
 * A server that is not running (never started, idle-exited, killed) is no error: the
 * tools then run as processes of their own, slower but the same.
 */
import { mkdirSync } from 'node:fs';
import { appendFile, readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { execa } from 'execa';
import { isProcessRunning } from '@lucky/core/system';
import { MODEL_DIR_MODE, MODEL_FILE_MODE } from '../model/store.js';
import { serverMainPath, serverPaths } from './paths.js';
import { REQUEST_MAGIC } from './protocol.js';

export interface ServerEndpoint {
  readonly port: number;
  readonly token: string;
  readonly pid: number;
}

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

/** The endpoint file of the model's server, or null when there is none (or it is not whole). */
export async function readEndpoint(modelDir: string): Promise<ServerEndpoint | null> {
  const text = await readFile(serverPaths(modelDir).endpoint, 'utf8').catch(() => '');
  const [port, token, pid] = text.trim().split(' ');
  const endpoint = { port: Number(port), token: token ?? '', pid: Number(pid) };
  return Number.isSafeInteger(endpoint.port) && endpoint.port > 0 && endpoint.token !== '' && Number.isSafeInteger(endpoint.pid) && endpoint.pid > 0
    ? endpoint
    : null;
}

/** Asks the server at `endpoint` for its pid: true when it answers as the server with that pid. */
export function pingModelServer(endpoint: ServerEndpoint, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    const fields = [REQUEST_MAGIC, endpoint.token, String(process.pid), '/', '', '', '', '', ':ping', '0'];
    const socket = connect(endpoint.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('connect', () => socket.write(fields.map((field) => `${field}\0`).join('')));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      resolve(text.startsWith('0 ') && text.endsWith(`\n${endpoint.pid}`));
    });
  });
}

/** The running server's endpoint, if one runs and answers. */
export async function runningModelServer(modelDir: string): Promise<ServerEndpoint | null> {
  const endpoint = await readEndpoint(modelDir);
  if (!endpoint || !isProcessRunning(endpoint.pid)) return null;
  return (await pingModelServer(endpoint)) ? endpoint : null;
}

/**
 * Makes sure the model's server runs: started detached when it does not (or its
 * endpoint names a dead process), then waited for until it answers. Resolves with its
 * endpoint, or null when it could not be started in time (the tools work without it).
 */
export async function ensureModelServer(modelDir: string): Promise<ServerEndpoint | null> {
  const running = await runningModelServer(modelDir);
  if (running) return running;
  const paths = serverPaths(modelDir);
  mkdirSync(paths.dir, { recursive: true, mode: MODEL_DIR_MODE });
  // Made 0600 like every file of the model before the child appends to it.
  await appendFile(paths.log, '', { mode: MODEL_FILE_MODE });
  const child = execa(process.execPath, [serverMainPath(), modelDir], {
    detached: true,
    cleanup: false,
    reject: false,
    stdin: 'ignore',
    stdout: 'ignore',
    stderr: { file: paths.log, append: true },
  });
  child.unref();
  // The server outlives this process: its exit is of no concern here (a second server exits at once, finding the first).
  void child.catch(() => undefined);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const endpoint = await runningModelServer(modelDir);
    if (endpoint) return endpoint;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return null;
}

/** Whether `pid` is this model's server (its command line), so a stale file's reused pid is never signalled. */
async function isModelServer(pid: number, modelDir: string): Promise<boolean> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  const args = cmdline.split('\0');
  return args.includes(serverMainPath()) && args.includes(modelDir);
}

/** Stops the model's server (SIGTERM, then SIGKILL if it lingers) and waits until it is gone. */
export async function stopModelServer(modelDir: string): Promise<void> {
  const endpoint = await readEndpoint(modelDir);
  const lockPid = Number.parseInt(await readFile(serverPaths(modelDir).pid, 'utf8').catch(() => ''), 10);
  for (const pid of new Set([endpoint?.pid ?? 0, Number.isSafeInteger(lockPid) ? lockPid : 0])) {
    if (pid <= 0 || pid === process.pid || !isProcessRunning(pid) || !(await isModelServer(pid, modelDir))) continue;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      continue;
    }
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (isProcessRunning(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    if (isProcessRunning(pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
  }
}
