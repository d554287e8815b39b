import { Command, Option, UsageError } from 'clipanion';
import { ContainerCommand } from '../../../context.js';

/** `lucky container port remove <binding> | --all` (CL-31). */
export class ContainerPortRemoveCommand extends ContainerCommand {
  static override paths = [['container', 'port', 'remove']];
  static override usage = Command.Usage({
    category: 'Containers',
    description: 'remove one port binding, or all of them',
    examples: [
      ['One', 'lucky container port remove 8080:80'],
      ['All', 'lucky container port remove --all'],
    ],
  });

  all = Option.Boolean('-A,--all', false, { description: 'Remove every binding' });
  binding = Option.String({ required: false, name: 'binding' });

  async execute(): Promise<number> {
    if (this.all === (this.binding !== undefined)) throw new UsageError('port remove takes either a binding or --all');
    if (this.binding !== undefined) await this.change('container.port.remove', { container: this.container, binding: this.binding });
    else await this.change('container.port.remove-all', { container: this.container });
    return 0;
  }
}
