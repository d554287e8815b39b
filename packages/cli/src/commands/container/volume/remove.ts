import { Command, Option } from 'clipanion';
import { ContainerCommand } from '../../../context.js';

/** `lucky container volume remove <container_path> [-D]` (CL-28). */
export class ContainerVolumeRemoveCommand extends ContainerCommand {
  static override paths = [['container', 'volume', 'remove']];
  static override usage = Command.Usage({
    category: 'Containers',
    description: "unmount a volume; --delete-data also deletes a named volume's data now",
    examples: [['Unmount and delete', 'lucky container volume remove /var/lib/app --delete-data']],
  });

  target = Option.String({ name: 'container_path' });
  deleteData = Option.Boolean('-D,--delete-data', false, { description: "Delete the named volume's data if nothing else mounts it" });

  async execute(): Promise<number> {
    await this.change('container.volume.remove', { container: this.container, target: this.target, deleteData: this.deleteData });
    return 0;
  }
}
