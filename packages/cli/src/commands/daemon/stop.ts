import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command, Option } from 'clipanion';
import { DaemonClient, ErrorCode, LuckyError, isLuckyError, isProcessRunning } from '@lucky/core/client';
import { DaemonCommand } from '../../daemon-options.js';

/** `lucky daemon stop`: stop the unit's daemon and wait until it has saved its state and exited. */
export class DaemonStopCommand extends DaemonCommand {
  static override paths = [['daemon', 'stop']];
  static override usage = Command.Usage({
    category: 'Daemon',
    description: "stop the unit's Lucky daemon, returning once it has exited",
    examples: [['Stop it', 'lucky daemon stop --unit-name myapp/0']],
  });

  ignoreStopped = Option.Boolean('-i,--ignore-already-stopped', false, { description: 'Succeed quietly when it is not running' });

  async execute(): Promise<number> {
    const { socketPath, unit } = this.location();
    let pid: number;
    try {
      const client = await DaemonClient.connect(socketPath);
      try {
        pid = (await client.call('daemon.status', {})).pid;
        await client.call('daemon.stop', {});
      } finally {
        client.close();
      }
    } catch (error) {
      if (!isLuckyError(error) || error.code !== ErrorCode.DaemonUnavailable) throw error;
      // No answer on the socket, but the unit's lock may still name a live daemon (its socket was deleted): stop it by signal.
      const holder = lockHolder(socketPath);
      if (holder === undefined) {
        if (this.ignoreStopped) return 0;
        throw error;
      }
      pid = holder;
      process.kill(pid, 'SIGTERM');
    }
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

/** The live process holding the unit's daemon lock, if any. */
function lockHolder(socketPath: string): number | undefined {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(`${socketPath}.pid`, 'utf8'), 10);
  } catch {
    return undefined;
  }
  return Number.isInteger(pid) && pid > 0 && isProcessRunning(pid) ? pid : undefined;
}
