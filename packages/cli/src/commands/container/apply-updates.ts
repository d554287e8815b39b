import { Command } from 'clipanion';
import { ClientCommand } from '../../context.js';

/** `lucky container apply-updates` (CL-35). */
export class ContainerApplyUpdatesCommand extends ClientCommand {
  static override paths = [['container', 'apply-updates']];
  static override usage = Command.Usage({
    category: 'Containers',
    description: 'apply container changes now instead of after the script',
    examples: [['Start the container before talking to it', 'lucky container apply-updates']],
  });

  async execute(): Promise<number> {
    await this.call('container.apply', {});
    return 0;
  }
}
