import { Command, Option } from 'clipanion';
import { ContainerCommand } from '../../../context.js';

/** `lucky container volume add <source> <container_path>` (CL-27). */
export class ContainerVolumeAddCommand extends ContainerCommand {
  static override paths = [['container', 'volume', 'add']];
  static override usage = Command.Usage({
    category: 'Containers',
    description: "mount a host path (absolute) or a named volume (kept in the unit's data dir) into a container",
    details: 'A named volume is an empty directory at first and hides what the image has at that path.',
    examples: [
      ['Named volume', 'lucky container volume add app-data /var/lib/app'],
      ['Host path', 'lucky container volume add /etc/ssl/certs /etc/ssl/certs'],
    ],
  });

  source = Option.String({ name: 'source' });
  target = Option.String({ name: 'container_path' });

  async execute(): Promise<number> {
    await this.change('container.volume.add', { container: this.container, source: this.source, target: this.target });
    return 0;
  }
}
