import { Command } from 'clipanion';
import { GetterCommand } from '../../context.js';
import { writeList } from '../../output.js';

/** `lucky port get-opened` (CL-14). */
export class PortGetOpenedCommand extends GetterCommand {
  static override paths = [['port', 'get-opened']];
  static override usage = Command.Usage({
    category: 'Firewall ports',
    description: 'list the ports opened by this unit, one port-or-range/protocol per line',
    examples: [['List', 'lucky port get-opened']],
  });

  async execute(): Promise<number> {
    writeList(this.context.stdout, this.format, (await this.call('port.list', {})).ports);
    return 0;
  }
}
