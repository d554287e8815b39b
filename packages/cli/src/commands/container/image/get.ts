import { Command } from 'clipanion';
import { ContainerGetterCommand } from '../../../context.js';
import { writeValue } from '../../../output.js';

/** `lucky container image get` (CL-21). */
export class ContainerImageGetCommand extends ContainerGetterCommand {
  static override paths = [['container', 'image', 'get']];
  static override usage = Command.Usage({
    category: 'Containers',
    description: 'print the image of a container, or an empty line',
    examples: [
      ['Default container', 'lucky container image get'],
      ['Named', 'lucky container image get -c worker'],
    ],
  });

  async execute(): Promise<number> {
    writeValue(this.context.stdout, this.format, (await this.call('container.image.get', { container: this.container })).image);
    return 0;
  }
}
