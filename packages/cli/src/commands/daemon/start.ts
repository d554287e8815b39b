import { Command, Option } from 'clipanion';
import { cliPath } from '../../cli-path.js';
import { DaemonCommand } from '../../daemon-options.js';
import { ALREADY_RUNNING_LINE, READY_LINE, ensureDaemon } from '../../daemon-starter.js';
import { VERSION } from '../../version.js';

/** `lucky daemon start`: start the unit's daemon (in the background unless --foreground). */
export class DaemonStartCommand extends DaemonCommand {
  static override paths = [['daemon', 'start']];
  static override usage = Command.Usage({
    category: 'Daemon',
    description: 'start the unit\'s Lucky daemon',
    details: 'Hooks start the daemon on demand through `lucky dispatch`; this is for humans and tests. Without --foreground it returns once the daemon serves its socket.',
    examples: [['Start for a unit', 'lucky daemon start --unit-name myapp/0 --charm-dir ./my-charm']],
  });

  foreground = Option.Boolean('-F,--foreground', false, { description: 'Run the daemon in this process' });
  ignoreRunning = Option.Boolean('-i,--ignore-already-running', false, { description: 'Succeed quietly when it already runs' });
  logFile = Option.String('-L,--log-file', { env: 'LUCKY_LOG_FILE', description: 'Log file (default: <data dir>/daemon.log)' });

  async execute(): Promise<number> {
    const location = this.location();
    if (!this.foreground) {
      const client = await ensureDaemon(location, { ...this.context.env, ...(this.logFile ? { LUCKY_LOG_FILE: this.logFile } : {}) }, cliPath());
      const status = await client.call('daemon.status', {});
      client.close();
      this.context.stdout.write(`Lucky daemon running for ${status.unit} (pid ${status.pid}) on ${location.socketPath}\n`);
      return 0;
    }
    const { startDaemon, DaemonAlreadyRunning, parseLogLevel } = await import('@lucky/core');
    const { default: jujuPlugin } = await import('@lucky/plugin-juju');
    const { default: scriptsPlugin } = await import('@lucky/plugin-scripts');
    // The starter stops reading once we are up; never die of a write to its closed pipes.
    process.stdout.on('error', () => undefined);
    process.stderr.on('error', () => undefined);
    let daemon;
    try {
      daemon = await startDaemon({
        ...location,
        version: VERSION,
        plugins: [jujuPlugin(), scriptsPlugin()],
        logLevel: parseLogLevel(this.context.env.LUCKY_LOG_LEVEL),
        logFile: this.logFile,
        nodePath: process.execPath,
        cliPath: cliPath(),
      });
    } catch (error) {
      if (error instanceof DaemonAlreadyRunning) {
        this.context.stdout.write(`${ALREADY_RUNNING_LINE} ${error.pid}\n`);
        if (this.ignoreRunning) return 0;
      }
      throw error;
    }
    this.context.stdout.write(`${READY_LINE} ${process.pid}\n`);
    await daemon.stopped;
    return 0;
  }
}
