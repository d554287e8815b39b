import { Command, Option, UsageError } from 'clipanion';
import { ContainerCommand } from '../../context.js';

/** `lucky container set-network <network> | --unset` (CL-33). */
export class ContainerSetNetworkCommand extends ContainerCommand {
  static override paths = [['container', 'set-network']];
  static override usage = Command.Usage({
    category: 'Containers',
    description: 'put a container on a Docker network (e.g. host); --unset for the default bridge',
    examples: [['Host networking', 'lucky container set-network host']],
  });

  unset = Option.Boolean('-u,--unset', false, { description: 'Back to the default network' });
  network = Option.String({ required: false, name: 'network' });

  async execute(): Promise<number> {
    if (this.unset === (this.network !== undefined)) throw new UsageError('set-network takes either a network or --unset');
    await this.change('container.network.set', { container: this.container, network: this.network ?? null });
    return 0;
  }
}
