// daemon-starter.ts as the fast path has it: scripts/bundle-fast.mjs resolves
// `../daemon-starter.js` to this module, so `lucky dispatch` runs on the fast path
// whenever the unit's daemon is up and serves this revision of the charm: every hook
// but a unit's first and the first after an upgrade. Starting or restarting a daemon
// needs execa and the daemon entry, which the fast bundle does not carry: then the
// command declines before it has written or sent anything, and the full CLI runs it.
import { DaemonClient, ErrorCode, charmFingerprint, isLuckyError } from '@lucky/core/client';
import type { DaemonLocation } from '../daemon-options.js';

/** Thrown where the full CLI would start or restart a daemon; fast/entry.ts then hands the command line to the full CLI. */
export class FastPathDeclined extends Error {
  constructor(reason: string) {
    super(`the fast path declined: ${reason}`);
    this.name = 'FastPathDeclined';
  }
}

/** Connects to the unit's running daemon; declines when none answers. */
export async function ensureDaemon(location: DaemonLocation, _env: NodeJS.ProcessEnv, _cliPath: string, context?: string): Promise<DaemonClient> {
  try {
    return await DaemonClient.connect(location.socketPath, { context });
  } catch (error) {
    if (isLuckyError(error) && error.code === ErrorCode.DaemonUnavailable) throw new FastPathDeclined(`no daemon answers at ${location.socketPath}`);
    throw error;
  }
}

/** The running daemon when it serves this revision of the charm; declines when none answers or it serves another. */
export async function ensureCurrentDaemon(location: DaemonLocation, env: NodeJS.ProcessEnv, cliPath: string, version: string): Promise<DaemonClient> {
  const client = await ensureDaemon(location, env, cliPath);
  try {
    const hello = await client.handshake();
    if (hello.fingerprint === charmFingerprint(location.charmDir, version)) return client;
  } catch (error) {
    client.close();
    if (isLuckyError(error) && error.code === ErrorCode.DaemonUnavailable) throw new FastPathDeclined('the daemon closed the connection');
    throw error;
  }
  client.close();
  throw new FastPathDeclined('the daemon serves another revision of the charm');
}
