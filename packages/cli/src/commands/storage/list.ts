import { Command, Option } from 'clipanion';
import { GetterCommand } from '../../context.js';
import { writeList } from '../../output.js';

/** `lucky storage list [name]`: Juju's `storage-list`. */
export class StorageListCommand extends GetterCommand {
  static override paths = [['storage', 'list']];
  static override usage = Command.Usage({
    category: 'Storage',
    description: "list the ids of this unit's storage instances (data/0 …), one per line",
    examples: [
      ['Every instance', 'lucky storage list'],
      ['Instances of one store', 'lucky storage list data --format json'],
    ],
  });

  name = Option.String({ required: false, name: 'storage-name' });

  async execute(): Promise<number> {
    const { ids } = await this.call('storage.list', { name: this.name });
    writeList(this.context.stdout, this.format, ids);
    return 0;
  }
}
