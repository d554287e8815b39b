import { Command, Option } from 'clipanion';
import { ClientCommand } from '../../context.js';

/** `lucky port open <port>` (CL-12). */
export class PortOpenCommand extends ClientCommand {
  static override paths = [['port', 'open']];
  static override usage = Command.Usage({
    category: 'Firewall ports',
    description: "open a port in the unit's firewall (effective once the application is exposed)",
    examples: [
      ['Open HTTP', 'lucky port open 80'],
      ['Open a UDP range', 'lucky port open 8000-8100/udp'],
    ],
  });

  port = Option.String({ name: 'port' });

  async execute(): Promise<number> {
    await this.call('port.open', { port: this.port });
    return 0;
  }
}
