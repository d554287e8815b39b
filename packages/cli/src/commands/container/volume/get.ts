import { Command, Option } from 'clipanion';
import { ContainerGetterCommand } from '../../../context.js';
import { writeJson } from '../../../output.js';

/** `lucky container volume get [container_path]` (CL-29). */
export class ContainerVolumeGetCommand extends ContainerGetterCommand {
  static override paths = [['container', 'volume', 'get']];
  static override usage = Command.Usage({
    category: 'Containers',
    description: 'print the source mounted at a path, or every source:path',
    examples: [
      ['All', 'lucky container volume get'],
      ['One', 'lucky container volume get /var/lib/app'],
    ],
  });

  target = Option.String({ required: false, name: 'container_path' });

  async execute(): Promise<number> {
    const { volumes } = await this.call('container.volume.list', { container: this.container });
    const out = this.context.stdout;
    if (this.format === 'json') writeJson(out, this.target === undefined ? volumes : (volumes[this.target] ?? null));
    else if (this.target !== undefined) out.write(volumes[this.target] === undefined ? '' : `${volumes[this.target]}\n`);
    else
      out.write(
        Object.entries(volumes)
          .map(([target, source]) => `${source}:${target}\n`)
          .join(''),
      );
    return 0;
  }
}
