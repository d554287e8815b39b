import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command, Option } from 'clipanion';
import { DaemonClient, ErrorCode, LuckyError, isLuckyError, isProcessRunning } from '@lucky/core/client';
import { DaemonCommand } from '../../daemon-options.js';

/** `lucky daemon stop`: stop the unit's daemon and wait until it has saved its state and exited. */
export class DaemonStopCommand extends DaemonCommand {
  static override paths = [['daemon', 'stop']];
  static override usage = Command.Usage({
    category: 'Daemon',
    description: 'stop the unit\'s Lucky daemon, returning once it has exited',
    examples: [['Stop it', 'lucky daemon stop --unit-name myapp/0']],
  });

  ignoreStopped = Option.Boolean('-i,--ignore-already-stopped', false, { description: 'Succeed quietly when it is not running' });

  async execute(): Promise<number> {
    const { socketPath, unit } = this.location();
    let client: DaemonClient;
    try {
      client = await DaemonClient.connect(socketPath);
    } catch (error) {
      if (this.ignoreStopped && isLuckyError(error) && error.code === ErrorCode.DaemonUnavailable) return 0;
      throw error;
    }
    const { pid } = await client.call('daemon.status', {});
    await client.call('daemon.stop', {});
    client.close();
    // Unlike Lucky (GAP-45), return only when the state is saved and the socket is gone.
    for (let waited = 0; waited < 30_000; waited += 50) {
      if (!existsSync(`${socketPath}.pid`) && !isProcessRunning(pid)) {
        this.context.stdout.write(`Lucky daemon for ${unit} stopped\n`);
        return 0;
      }
      await sleep(50);
    }
    throw new LuckyError(ErrorCode.DaemonUnavailable, `The Lucky daemon for ${unit} (pid ${pid}) did not exit within 30 s; see its log.`);
  }
}
