import { Command, Option, UsageError } from 'clipanion';
import { ClientCommand } from '../../context.js';

/** `lucky port close <port>` or `lucky port close --all` (CL-13). */
export class PortCloseCommand extends ClientCommand {
  static override paths = [['port', 'close']];
  static override usage = Command.Usage({
    category: 'Firewall ports',
    description: "close a port in the unit's firewall, or every opened port",
    examples: [
      ['Close HTTP', 'lucky port close 80'],
      ['Close everything', 'lucky port close --all'],
    ],
  });

  all = Option.Boolean('-A,--all', false, { description: 'Close every opened port' });
  port = Option.String({ required: false, name: 'port' });

  async execute(): Promise<number> {
    if (this.all === (this.port !== undefined)) throw new UsageError('port close takes either a port or --all');
    if (this.port !== undefined) await this.call('port.close', { port: this.port });
    else await this.call('port.close-all', {});
    return 0;
  }
}
