import { Command, Option } from 'clipanion';
import { cliPath } from '../../cli-path.js';
import { DaemonCommand } from '../../daemon-options.js';
import { ensureDaemon } from '../../daemon-starter.js';

/** `lucky daemon start`: start the unit's daemon (in the background unless --foreground). */
export class DaemonStartCommand extends DaemonCommand {
  static override paths = [['daemon', 'start']];
  static override usage = Command.Usage({
    category: 'Daemon',
    description: "start the unit's Lucky daemon",
    details:
      'Hooks start the daemon on demand through `lucky dispatch`; this is for humans and tests. Without --foreground it returns once the daemon serves its socket.',
    examples: [['Start for a unit', 'lucky daemon start --unit-name myapp/0 --charm-dir ./my-charm']],
  });

  foreground = Option.Boolean('-F,--foreground', false, { description: 'Run the daemon in this process' });
  ignoreRunning = Option.Boolean('-i,--ignore-already-running', false, { description: 'Succeed quietly when it already runs' });
  logFile = Option.String('-L,--log-file', { env: 'LUCKY_LOG_FILE', description: 'Log file (default: <data dir>/daemon.log)' });

  async execute(): Promise<number> {
    const location = this.location();
    if (!this.foreground) {
      const client = await ensureDaemon(location, { ...this.context.env, ...(this.logFile ? { LUCKY_LOG_FILE: this.logFile } : {}) }, cliPath());
      let status;
      try {
        status = await client.call('daemon.status', {});
      } finally {
        client.close();
      }
      this.context.stdout.write(`Lucky daemon running for ${status.unit} (pid ${status.pid}) on ${location.socketPath}\n`);
      return 0;
    }
    // Imported on demand: the script-facing bundle leaves the daemon out (scripts/bundle.mjs).
    const { runDaemon } = await import('../../daemon-process.js');
    const ran = await runDaemon(location, { logFile: this.logFile, logLevel: this.context.env.LUCKY_LOG_LEVEL, cliPath: cliPath() }, this.context.stdout);
    if (!ran && !this.ignoreRunning) {
      const { DaemonAlreadyRunning } = await import('@lucky/core');
      const { readFileSync } = await import('node:fs');
      throw new DaemonAlreadyRunning(Number.parseInt(readFileSync(`${location.socketPath}.pid`, 'utf8'), 10), location.socketPath);
    }
    return 0;
  }
}
