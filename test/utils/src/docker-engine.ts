import { readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureContainerPackages } from './debian.js';
import { isProcessRunning } from '@lucky/core';
import { spawnDetached } from './detached.js';

/** A Docker engine tests can use; `stop()` stops it only if this process started it. */
export interface DockerEngine {
  readonly socketPath: string;
  stop(): Promise<void>;
}

export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';
const START_DEADLINE_MS = 30_000;
const STOP_DEADLINE_MS = 30_000;
/** How long an engine nobody holds stays up, so the next test file of the same run reuses it. */
const LINGER_MS = 500;

/** Resolves true when a Docker engine answers `GET /_ping` on the socket. */
export function pingDocker(socketPath: string, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end();
  });
}

interface Started {
  readonly pid: number;
  readonly log: string;
}

let holders = 0;
let engine: Promise<{ socketPath: string; started: Started | undefined }> | undefined;
let lingering: NodeJS.Timeout | undefined;
/** The stop of the engine we started, while it runs: a new holder waits for it, then starts afresh. */
let stopping: Promise<void> | undefined;
let exitHook = false;
/** The dockerd this process started and has not stopped yet, for the exit hook. */
let running: Started | undefined;

/** Starts dockerd; resolves undefined if it could not start because another engine came up on the socket meanwhile. */
async function startDockerd(socketPath: string): Promise<Started | undefined> {
  const log = join(tmpdir(), `lucky-dockerd-${process.pid}-${Date.now()}.log`);
  // A pidfile left by a dockerd that died makes the next one refuse to start.
  const pidFile = '/var/run/docker.pid';
  try {
    const old = Number(readFileSync(pidFile, 'utf8').trim());
    if (!Number.isInteger(old) || !isProcessRunning(old)) rmSync(pidFile, { force: true });
  } catch {
    // no pidfile
  }
  const pid = spawnDetached('dockerd', [`--host=unix://${socketPath}`, '--ip-forward=false', '--ip-masq=false'], log);
  const started: Started = { pid, log };
  running = started;
  if (!exitHook) {
    exitHook = true;
    // Last resort if a test forgot stop(): SIGTERM exactly the engine we started.
    process.on('exit', () => {
      if (running && isProcessRunning(running.pid)) process.kill(running.pid, 'SIGTERM');
    });
  }
  const deadline = Date.now() + START_DEADLINE_MS;
  while (!(await pingDocker(socketPath, 500))) {
    if (!isProcessRunning(pid) || Date.now() > deadline) {
      running = undefined;
      if (isProcessRunning(pid)) process.kill(pid, 'SIGTERM');
      // Another process's dockerd won the race for the socket: use it, never stop it.
      if (await pingDocker(socketPath)) return undefined;
      let tail = '';
      try {
        tail = readFileSync(log, 'utf8').split('\n').slice(-30).join('\n');
      } catch {
        // no log
      }
      throw new Error(`dockerd (pid ${pid}) did not answer on ${socketPath} within ${START_DEADLINE_MS} ms; last log lines (${log}):\n${tail}`);
    }
    await sleep(100);
  }
  return started;
}

async function stopDockerd(started: Started): Promise<void> {
  if (running?.pid === started.pid) running = undefined;
  if (!isProcessRunning(started.pid)) return;
  process.kill(started.pid, 'SIGTERM');
  const deadline = Date.now() + STOP_DEADLINE_MS;
  while (isProcessRunning(started.pid)) {
    if (Date.now() > deadline) throw new Error(`dockerd (pid ${started.pid}) did not exit within ${STOP_DEADLINE_MS} ms of SIGTERM; see ${started.log}`);
    await sleep(100);
  }
  rmSync(started.log, { force: true });
}

/**
 * A Docker engine for tests. Uses the one answering on /var/run/docker.sock if
 * there is one (and never stops it); else starts Debian's dockerd in the
 * background (`--ip-forward=false --ip-masq=false`, log in a temp file) and
 * waits for its ping. Holders are counted: the engine this process started is
 * stopped, by its PID, shortly after the last holder calls `stop()`, so test
 * files run one after another in one process share it.
 */
export async function useDockerEngine(): Promise<DockerEngine> {
  holders++;
  if (lingering) {
    clearTimeout(lingering);
    lingering = undefined;
  }
  if (stopping) await stopping;
  engine ??= (async () => {
    const socketPath = DEFAULT_DOCKER_SOCKET;
    if (await pingDocker(socketPath)) return { socketPath, started: undefined };
    await ensureContainerPackages();
    return { socketPath, started: await startDockerd(socketPath) };
  })();
  let current;
  try {
    current = await engine;
  } catch (error) {
    holders--;
    engine = undefined;
    throw error;
  }
  let released = false;
  return {
    socketPath: current.socketPath,
    async stop() {
      if (released) return;
      released = true;
      holders--;
      if (holders > 0 || !current.started) return;
      const started = current.started;
      // Stop it unless another holder arrives meanwhile; the timer keeps the process alive until done.
      lingering = setTimeout(() => {
        lingering = undefined;
        if (holders > 0) return;
        engine = undefined;
        stopping = stopDockerd(started)
          .catch((error: unknown) => void process.stderr.write(`${(error as Error).message}\n`))
          .finally(() => (stopping = undefined));
      }, LINGER_MS);
    },
  };
}
