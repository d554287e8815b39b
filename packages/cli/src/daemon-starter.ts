import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { DaemonClient, ErrorCode, LuckyError, charmFingerprint, isLuckyError, isProcessRunning } from '@lucky/core/client';
import type { DaemonLocation } from './daemon-options.js';
import { ALREADY_RUNNING_LINE, READY_LINE } from './daemon-lines.js';

/**
 * Connects to the unit's daemon, starting it in the background first if nothing
 * answers. Two callers racing here start at most one daemon: the daemon's pid lock
 * lets one proceed and tells the other to connect to it.
 */
export async function ensureDaemon(location: DaemonLocation, env: NodeJS.ProcessEnv, cliPath: string, context?: string): Promise<DaemonClient> {
  try {
    return await DaemonClient.connect(location.socketPath, { context });
  } catch (error) {
    if (!isLuckyError(error) || error.code !== ErrorCode.DaemonUnavailable) throw error;
  }
  await spawnDaemon(location, env, cliPath);
  return DaemonClient.connect(location.socketPath, { context, retries: 100 });
}

/** How long a daemon asked to stop for a restart may take to save its state and exit. */
const RESTART_STOP_TIMEOUT_MS = 30_000;

/**
 * `ensureDaemon` for a hook: a daemon that serves another revision of the charm (its
 * lucky.yaml or the Lucky version differ: the charm was upgraded) is stopped, its state
 * saved, and a new one started before the hook runs, so `upgrade-charm` already runs
 * the new entries. `notice` receives one line when that happens.
 */
export async function ensureCurrentDaemon(
  location: DaemonLocation,
  env: NodeJS.ProcessEnv,
  cliPath: string,
  version: string,
  notice: (line: string) => void,
): Promise<DaemonClient> {
  const client = await ensureDaemon(location, env, cliPath);
  const expected = charmFingerprint(location.charmDir, version);
  const hello = await client.handshake();
  if (hello.fingerprint === expected) return client;
  notice(
    `Lucky: the daemon of ${location.unit} (pid ${hello.pid}, Lucky ${hello.version}) serves another revision of the charm (${hello.fingerprint ?? 'unknown'}, now ${expected}); restarting it.\n`,
  );
  try {
    await client.call('daemon.stop', {});
  } catch (error) {
    // Another dispatch stopped it first: wait for it to go all the same.
    if (!isLuckyError(error) || error.code !== ErrorCode.DaemonUnavailable) throw error;
  } finally {
    client.close();
  }
  await waitForExit(location, hello.pid);
  return ensureDaemon(location, env, cliPath);
}

/** Waits until the daemon `pid` has exited and released the unit's lock (its state is then saved). */
async function waitForExit(location: DaemonLocation, pid: number): Promise<void> {
  const deadline = Date.now() + RESTART_STOP_TIMEOUT_MS;
  while (existsSync(`${location.socketPath}.pid`) || isProcessRunning(pid)) {
    if (Date.now() > deadline) {
      throw new LuckyError(
        ErrorCode.DaemonStartFailed,
        `The Lucky daemon of ${location.unit} (pid ${pid}) was asked to stop for a restart on the upgraded charm but did not exit within ${RESTART_STOP_TIMEOUT_MS / 1000} s; see its log (daemon.log in ${location.dataDir}).`,
      );
    }
    await sleep(20);
  }
}

/**
 * Set to true by scripts/bundle-runtime.mjs in a charm's runtime bundle: a unit has
 * no node_modules to find the daemon entry in, but the bundle holds the whole CLI.
 */
declare const LUCKY_RUNTIME_BUNDLE: boolean | undefined;

/** How to run the daemon: its own entry in a workspace or an install, else the runtime bundle's `daemon start --foreground`. */
async function daemonCommand(cliPath: string): Promise<string[]> {
  if (typeof LUCKY_RUNTIME_BUNDLE !== 'undefined' && LUCKY_RUNTIME_BUNDLE) return [cliPath, 'daemon', 'start', '--foreground', '--ignore-already-running'];
  const { createRequire } = await import('node:module');
  return [createRequire(import.meta.url).resolve('@lucky/cli/daemon-entry')];
}

/**
 * Node's flags for the long-lived daemon, which waits on I/O and keeps a tiny heap:
 * - a small young generation;
 * - no optimizing compiler: neither TurboFan (`--no-opt`, about 5 MB less) nor Maglev,
 *   which Node 22 and later turn on by default and `--no-opt` leaves running (measured
 *   on Node 24, a daemon's RSS after 120 hooks: 96 MB with it, 77 MB without);
 * - an old generation that grows by 10% at a time, not up to fourfold, so a busy
 *   daemon does not peak far above its steady size before a full collection (Node 20:
 *   76 MB peak and 60 MB settled over 240 hooks by default; 60 MB throughout with it).
 * All are accepted by every Node this runs on (20.19 and later).
 */
export const DAEMON_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1', '--no-opt', '--no-maglev', '--heap-growing-percent=10'];

async function spawnDaemon(location: DaemonLocation, env: NodeJS.ProcessEnv, cliPath: string): Promise<void> {
  const { execa } = await import('execa');
  const child = execa(process.execPath, [...DAEMON_NODE_FLAGS, ...(await daemonCommand(cliPath))], {
    env: {
      ...env,
      LUCKY_CONTEXT: 'daemon',
      JUJU_UNIT_NAME: location.unit,
      JUJU_CHARM_DIR: location.charmDir,
      LUCKY_DATA_DIR: location.dataDir,
      LUCKY_DAEMON_SOCKET: location.socketPath,
      LUCKY_CLI_PATH: cliPath,
    },
    extendEnv: false,
    cwd: location.charmDir,
    detached: true,
    cleanup: false,
    stdin: 'ignore',
    buffer: false,
    reject: false,
  });
  let stdout = '';
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (data: string) => (stderr += data));
  const outcome = await new Promise<'ready' | 'already' | 'exited'>((resolve) => {
    child.stdout?.setEncoding('utf8').on('data', (data: string) => {
      stdout += data;
      if (stdout.includes(READY_LINE)) resolve('ready');
      else if (stdout.includes(ALREADY_RUNNING_LINE)) resolve('already');
    });
    void child.then(() => resolve('exited'));
  });
  if (outcome === 'exited') {
    const result = await child;
    const reason = stderr.trim().split('\n').filter(Boolean).slice(-5).join('\n') || `it exited with code ${result.exitCode ?? result.signal}`;
    throw new LuckyError(ErrorCode.DaemonStartFailed, `The Lucky daemon for ${location.unit} failed to start: ${reason}`);
  }
  // Let the daemon live on alone: stop reading its output and stop waiting for it.
  child.stdout?.destroy();
  child.stderr?.destroy();
  child.unref();
  child.catch(() => undefined);
}
