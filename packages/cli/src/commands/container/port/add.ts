import { Command, Option } from 'clipanion';
import { ContainerCommand } from '../../../context.js';

/** `lucky container port add <host>:<container>[/tcp|/udp]` (CL-30). */
export class ContainerPortAddCommand extends ContainerCommand {
  static override paths = [['container', 'port', 'add']];
  static override usage = Command.Usage({
    category: 'Containers',
    description: 'publish a container port on a host port',
    details: 'A binding that shares its protocol and host or container port with another one is refused. Open the firewall separately with `lucky port open`.',
    examples: [
      ['HTTP', 'lucky container port add 8080:80'],
      ['DNS', 'lucky container port add 53:53/udp'],
    ],
  });

  binding = Option.String({ name: 'binding' });

  async execute(): Promise<number> {
    await this.change('container.port.add', { container: this.container, binding: this.binding });
    return 0;
  }
}
