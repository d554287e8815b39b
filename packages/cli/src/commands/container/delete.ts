import { Command } from 'clipanion';
import { ContainerCommand } from '../../context.js';

/** `lucky container delete` (CL-34). */
export class ContainerDeleteCommand extends ContainerCommand {
  static override paths = [['container', 'delete']];
  static override usage = Command.Usage({
    category: 'Containers',
    description: "forget a container's definition; the container is removed after the script",
    examples: [['Remove a worker', 'lucky container delete -c worker']],
  });

  async execute(): Promise<number> {
    await this.change('container.delete', { container: this.container });
    return 0;
  }
}
