import { Command, Option, UsageError } from 'clipanion';
import { ContainerCommand } from '../../context.js';

/** `lucky container set-entrypoint <entrypoint> | --unset` (CL-25). */
export class ContainerSetEntrypointCommand extends ContainerCommand {
  static override paths = [['container', 'set-entrypoint']];
  static override usage = Command.Usage({
    category: 'Containers',
    description: 'set the executable a container starts (no arguments: put those in the command)',
    examples: [
      ['Set', 'lucky container set-entrypoint /usr/bin/app'],
      ["Back to the image's", 'lucky container set-entrypoint --unset'],
    ],
  });

  unset = Option.Boolean('-u,--unset', false, { description: "Use the image's entrypoint" });
  entrypoint = Option.String({ required: false, name: 'entrypoint' });

  async execute(): Promise<number> {
    if (this.unset === (this.entrypoint !== undefined)) throw new UsageError('set-entrypoint takes either an entrypoint or --unset');
    await this.change('container.entrypoint.set', { container: this.container, entrypoint: this.entrypoint ?? null });
    return 0;
  }
}
