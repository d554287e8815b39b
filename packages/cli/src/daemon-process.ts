import { DaemonAlreadyRunning, parseLogLevel, startDaemon } from '@lucky/core';
import jujuPlugin from '@lucky/plugin-juju';
import scriptsPlugin from '@lucky/plugin-scripts';
import { BUILTIN_RUNTIMES } from './builtin-runtimes.js';
import { runJujuExec } from './cron-exec.js';
import { ALREADY_RUNNING_LINE, READY_LINE } from './daemon-lines.js';
import type { DaemonLocation } from './daemon-options.js';
import { thinCommandRunner } from './thin-commands.js';
import { VERSION } from './version.js';

/**
 * Runs the unit's daemon in this process until it stops (SIGTERM and SIGINT stop
 * it cleanly), with the built-in plugins and the runtime the charm selects.
 * Returns false when another daemon already runs for the unit.
 */
export async function runDaemon(
  location: DaemonLocation,
  options: { readonly logFile?: string | undefined; readonly logLevel?: string | undefined; readonly cliPath: string },
  stdout: NodeJS.WritableStream,
): Promise<boolean> {
  // The starter stops reading once we are up; never die of a write to its closed pipes.
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  let daemon;
  try {
    daemon = await startDaemon({
      ...location,
      version: VERSION,
      plugins: [jujuPlugin(), scriptsPlugin()],
      runtimes: BUILTIN_RUNTIMES,
      logLevel: parseLogLevel(options.logLevel),
      logFile: options.logFile,
      nodePath: process.execPath,
      cliPath: options.cliPath,
      cronExec: runJujuExec,
      thinCommands: thinCommandRunner(),
    });
  } catch (error) {
    if (error instanceof DaemonAlreadyRunning) {
      stdout.write(`${ALREADY_RUNNING_LINE} ${error.pid}\n`);
      return false;
    }
    throw error;
  }
  const stop = (): void => void daemon.stop();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  stdout.write(`${READY_LINE} ${process.pid}\n`);
  await daemon.stopped;
  return true;
}
