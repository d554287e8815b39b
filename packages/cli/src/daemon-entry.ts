// The process the starter spawns for a unit's daemon: no command-line parsing,
// so the long-lived daemon does not carry the CLI in memory. Its settings come
// from the environment the starter sets; humans use `lucky daemon start -F`.
import { isLuckyError } from '@lucky/core';
import { runDaemon } from './daemon-process.js';

const env = process.env;
try {
  await runDaemon(
    {
      unit: env.JUJU_UNIT_NAME ?? '',
      charmDir: env.JUJU_CHARM_DIR ?? process.cwd(),
      dataDir: env.LUCKY_DATA_DIR ?? '',
      socketPath: env.LUCKY_DAEMON_SOCKET ?? '',
    },
    { logFile: env.LUCKY_LOG_FILE || undefined, logLevel: env.LUCKY_LOG_LEVEL, cliPath: env.LUCKY_CLI_PATH ?? '' },
    process.stdout,
  );
} catch (error) {
  process.stderr.write(`Error: ${isLuckyError(error) ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
