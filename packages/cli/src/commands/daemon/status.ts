import { Command, Option, UsageError } from 'clipanion';
import { DaemonClient } from '@lucky/core/client';
import { DaemonCommand } from '../../daemon-options.js';
import { writeJson } from '../../output.js';

/** `lucky daemon status`: is the unit's daemon running, and what is it doing. */
export class DaemonStatusCommand extends DaemonCommand {
  static override paths = [['daemon', 'status']];
  static override usage = Command.Usage({
    category: 'Daemon',
    description: "show whether the unit's daemon runs, its pid, data dir and current hook",
    examples: [['Check', 'lucky daemon status --unit-name myapp/0']],
  });

  format = Option.String('--format', 'plain', { description: 'plain or json' });

  async execute(): Promise<number> {
    if (this.format !== 'plain' && this.format !== 'json') throw new UsageError(`Invalid --format "${this.format}": expected plain or json`);
    const { socketPath } = this.location();
    const client = await DaemonClient.connect(socketPath);
    let status;
    let lucky;
    try {
      status = await client.call('daemon.status', {});
      lucky = await client.call('status.get', {});
    } finally {
      client.close();
    }
    if (this.format === 'json') {
      writeJson(this.context.stdout, { ...status, socketPath, status: lucky });
      return 0;
    }
    const lines = [
      `unit: ${status.unit}`,
      `pid: ${status.pid}`,
      `version: ${status.version}`,
      `socket: ${socketPath}`,
      `charm dir: ${status.charmDir}`,
      `data dir: ${status.dataDir}`,
      `uptime: ${(status.uptimeMs / 1000).toFixed(1)} s`,
      `container runtime: ${status.runtime ?? '(none)'}`,
      `plugins: ${status.plugins.join(', ')}`,
      `running hook: ${status.hook ?? '(none)'}`,
      `unit status: ${lucky.state}${lucky.message ? ` (${lucky.message})` : ''}`,
      ...(status.stateProblem ? [`state problem: ${status.stateProblem}`] : []),
    ];
    this.context.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  }
}
