import { Command } from 'clipanion';
import { ContainerGetterCommand } from '../../../context.js';
import { writeList } from '../../../output.js';

/** `lucky container port list` (CL-32); runs without options (GAP-60). */
export class ContainerPortListCommand extends ContainerGetterCommand {
  static override paths = [['container', 'port', 'list']];
  static override usage = Command.Usage({
    category: 'Containers',
    description: "list a container's port bindings, host:container/protocol",
    examples: [['List', 'lucky container port list']],
  });

  async execute(): Promise<number> {
    writeList(this.context.stdout, this.format, (await this.call('container.port.list', { container: this.container })).ports);
    return 0;
  }
}
