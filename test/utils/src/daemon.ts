import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { lucky } from './lucky.js';
import { processGone } from './process.js';
import { waitFor } from './wait.js';

export interface TestDaemon {
  readonly unit: string;
  readonly socketPath: string;
  readonly dataDir: string;
  /** The environment a client needs to reach this daemon. */
  readonly env: Record<string, string>;
  readonly pid: number;
  /** Stops it with `lucky daemon stop`; kills it by pid if that fails. */
  stop(): Promise<void>;
  /** SIGKILLs it and waits until it is gone. */
  kill(): Promise<void>;
}

/** Starts a real daemon in the background with `lucky daemon start` for a charm directory. */
export async function startTestDaemon(options: { charmDir: string; dir: string; unit?: string; env?: Record<string, string> }): Promise<TestDaemon> {
  const unit = options.unit ?? 'test-app/0';
  const socketPath = join(options.dir, 'run', 'daemon.sock');
  const dataDir = join(options.dir, 'data');
  const env = { JUJU_UNIT_NAME: unit, LUCKY_DAEMON_SOCKET: socketPath, LUCKY_DATA_DIR: dataDir, ...options.env };
  const started = await lucky(['daemon', 'start', '--charm-dir', options.charmDir], env);
  if (started.exitCode !== 0) throw new Error(`lucky daemon start failed: ${started.stderr}`);
  const status = await lucky(['daemon', 'status', '--format', 'json'], env);
  const pid = (JSON.parse(status.stdout) as { pid: number }).pid;
  const gone = (): boolean => processGone(pid);
  return {
    unit,
    socketPath,
    dataDir,
    env,
    pid,
    async stop() {
      if (gone()) return;
      const result = await lucky(['daemon', 'stop', '--ignore-already-stopped'], env);
      if (result.exitCode !== 0 && !gone()) process.kill(pid, 'SIGKILL');
      await waitFor(gone, `daemon pid ${pid} to exit`);
    },
    async kill() {
      if (!gone()) process.kill(pid, 'SIGKILL');
      await waitFor(gone, `daemon pid ${pid} to die`);
    },
  };
}

export function socketExists(daemon: TestDaemon): boolean {
  return existsSync(daemon.socketPath);
}
