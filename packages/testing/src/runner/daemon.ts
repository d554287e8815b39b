import { SimulatorError } from '../errors.js';
import { existsSync } from 'node:fs';
import { execa } from 'execa';

/**
 * Stops a unit's Lucky daemon with `lucky daemon stop`, which returns once the daemon
 * has saved its state and exited. A unit whose daemon never started (no socket, no
 * pid file) is left alone, so charms that are not Lucky charms cost nothing here.
 */
export async function stopUnitDaemon(unit: string, socketPath: string, env: Readonly<Record<string, string>>): Promise<void> {
  if (!existsSync(socketPath) && !existsSync(`${socketPath}.pid`)) return;
  const result = await execa('lucky', ['daemon', 'stop', '--ignore-already-stopped', '--unit-name', unit], {
    env,
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    timeout: 60_000,
  });
  if (result.exitCode === 0) return;
  if (result.code === 'ENOENT') {
    throw new SimulatorError(
      `Cannot stop the Lucky daemon of ${unit}: "lucky" is not on PATH (${env.PATH ?? ''}); give LocalModel.create the directory of the lucky executable in "path".`,
    );
  }
  const reason = String(result.stderr).trim().split('\n').filter(Boolean).pop() ?? result.shortMessage;
  throw new SimulatorError(`Cannot stop the Lucky daemon of ${unit}: ${reason}`);
}
