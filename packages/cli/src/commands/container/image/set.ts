import { Command, Option } from 'clipanion';
import { ContainerCommand } from '../../../context.js';

/** `lucky container image set <image> [--no-pull]` (CL-22): the one command that defines a container. */
export class ContainerImageSetCommand extends ContainerCommand {
  static override paths = [['container', 'image', 'set']];
  static override usage = Command.Usage({
    category: 'Containers',
    description: "set a container's image, defining the container if needed",
    details: 'Give the tag explicitly. The image is pulled when missing, unless --no-pull. The container is (re)created after the script.',
    examples: [
      ['Define the default container', 'lucky container image set nginx:1.27'],
      ['A named one from a local image', 'lucky container image set -c worker my/worker:2 --no-pull'],
    ],
  });

  image = Option.String({ name: 'image' });
  noPull = Option.Boolean('--no-pull', false, { description: 'Never pull; the image must already be on the machine' });

  async execute(): Promise<number> {
    await this.change('container.image.set', { container: this.container, image: this.image, pull: !this.noPull });
    return 0;
  }
}
