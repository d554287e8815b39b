/**
 * Starting, finding and stopping a model's server from the processes that run hooks.
 * A server that is not running (never started, idle-exited, killed) is no error: the
 * tools then run as processes of their own, slower but the same.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { isProcessRunning } from '@lucky/core/system';
import { spawnDetachedNode } from '../detached-process.js';
import { readTextOrNull } from '../read-text.js';
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
  const text = readTextOrNull(serverPaths(modelDir).endpoint) ?? '';
  const [port, token, pid] = text.trim().split(' ');
  const endpoint = { port: Number(port), token: token ?? '', pid: Number(pid) };
  return Number.isSafeInteger(endpoint.port) && endpoint.port > 0 && endpoint.token !== '' && Number.isSafeInteger(endpoint.pid) && endpoint.pid > 0
    ? endpoint
    : null;
}

export interface ServerInfo {
  readonly pid: number;
  /** Tool calls it has served. */
  readonly served: number;
  /** Tool calls running now. */
  readonly active: number;
}

/** Asks the server at `endpoint` who it is; null when nothing answers as the server with the endpoint's pid. */
export function modelServerInfo(endpoint: ServerEndpoint, timeoutMs = 2_000): Promise<ServerInfo | null> {
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
      const match = /^0 0 \d+ i\n(\d+) (\d+) (\d+)$/.exec(Buffer.concat(chunks).toString('utf8'));
      const info = match ? { pid: Number(match[1]), served: Number(match[2]), active: Number(match[3]) } : null;
      resolve(info?.pid === endpoint.pid ? info : null);
    });
  });
}

/** The running server's endpoint, if one runs and answers. */
export async function runningModelServer(modelDir: string): Promise<ServerEndpoint | null> {
  const endpoint = await readEndpoint(modelDir);
  if (!endpoint || !isProcessRunning(endpoint.pid)) return null;
  return (await modelServerInfo(endpoint)) ? endpoint : null;
}

/**
 * Makes sure the model's server runs: started detached when it does not (or its
 * endpoint names a dead process), then waited for until it answers. Resolves with its
 * endpoint, or null when it could not be started (the tools work without it): then
 * this process does not try again for a while, so hooks do not each wait for a server
 * that cannot start here. Calls made while one is under way share it, so units that
 * start hooks together start one server.
 */
export function ensureModelServer(modelDir: string): Promise<ServerEndpoint | null> {
  let pending = ensuring.get(modelDir);
  if (!pending) {
    pending = ensureServer(modelDir).finally(() => ensuring.delete(modelDir));
    ensuring.set(modelDir, pending);
  }
  return pending;
}

const ensuring = new Map<string, Promise<ServerEndpoint | null>>();

/**
 * The endpoint of each model's server that this process last found answering. Every
 * hook checks for the server: while the endpoint file still names it and its process
 * lives, it is not asked again (a server that exits removes its endpoint file first).
 */
const answered = new Map<string, ServerEndpoint>();

function sameEndpoint(a: ServerEndpoint, b: ServerEndpoint): boolean {
  return a.port === b.port && a.token === b.token && a.pid === b.pid;
}

async function ensureServer(modelDir: string): Promise<ServerEndpoint | null> {
  const known = answered.get(modelDir);
  const current = known ? await readEndpoint(modelDir) : null;
  if (known && current && sameEndpoint(known, current) && isProcessRunning(current.pid)) return current;
  answered.delete(modelDir);
  let endpoint = await runningModelServer(modelDir);
  if (!endpoint) {
    if (Date.now() - (failedStarts.get(modelDir) ?? -Infinity) < RETRY_AFTER_FAILURE_MS) return null;
    endpoint = await startServer(modelDir).catch(() => null);
    if (endpoint) failedStarts.delete(modelDir);
    else failedStarts.set(modelDir, Date.now());
  }
  if (endpoint) answered.set(modelDir, endpoint);
  return endpoint;
}

/** When this process last failed to start each model's server. */
const failedStarts = new Map<string, number>();
const RETRY_AFTER_FAILURE_MS = 30_000;

async function startServer(modelDir: string): Promise<ServerEndpoint | null> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let exited = spawnServer(modelDir);
  for (let spawned = 1; ;) {
    const endpoint = await runningModelServer(modelDir);
    if (endpoint) return endpoint;
    if (Date.now() >= deadline) return null;
    // A server that exits at once found another holding the lock: wait for that one to publish its
    // endpoint (it does within a second), or, once it is gone (it was on its way out), start another.
    if ((await Promise.race([exited, sleep(10)])) === 'exited' && !(await lockHeldByLiveProcess(modelDir))) {
      if (spawned >= MAX_SPAWNS) return null;
      exited = spawnServer(modelDir);
      spawned++;
    }
  }
}

const MAX_SPAWNS = 5;

async function lockHeldByLiveProcess(modelDir: string): Promise<boolean> {
  const holder = await lockHolder(modelDir);
  return holder > 0 && isProcessRunning(holder);
}

/** The pid in the server's pid lock (0 when there is none). */
async function lockHolder(modelDir: string): Promise<number> {
  const pid = Number.parseInt(readTextOrNull(serverPaths(modelDir).pid) ?? '', 10);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : 0;
}

function sleep(ms: number): Promise<'waited'> {
  return new Promise((resolve) => setTimeout(() => resolve('waited'), ms));
}

/** Starts a server process, detached; resolves with 'exited' when it exits. */
function spawnServer(modelDir: string): Promise<'exited'> {
  const paths = serverPaths(modelDir);
  mkdirSync(paths.dir, { recursive: true, mode: MODEL_DIR_MODE });
  // Made 0600 like every file of the model before the child appends to it.
  writeFileSync(paths.log, '', { flag: 'a', mode: MODEL_FILE_MODE });
  // The server outlives this process, which must not wait for it.
  const child = spawnDetachedNode([serverMainPath(), modelDir], paths.log);
  return child.then(
    () => 'exited' as const,
    () => 'exited' as const,
  );
}

/** Whether `pid` is this model's server (its command line), so a stale file's reused pid is never signalled. */
async function isModelServer(pid: number, modelDir: string): Promise<boolean> {
  const cmdline = readTextOrNull(`/proc/${pid}/cmdline`) ?? '';
  const args = cmdline.split('\0');
  return args.includes(serverMainPath()) && args.includes(modelDir);
}

/** Stops the model's server (SIGTERM, then SIGKILL if it lingers) and waits until it is gone. */
export async function stopModelServer(modelDir: string): Promise<void> {
  answered.delete(modelDir);
  const endpoint = await readEndpoint(modelDir);
  for (const pid of new Set([endpoint?.pid ?? 0, await lockHolder(modelDir)])) {
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
