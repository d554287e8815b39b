import { Command, Option, UsageError } from 'clipanion';
import { GetterCommand } from '../../context.js';
import { writeMap, writeValue } from '../../output.js';

const KEYS = ['kind', 'location'] as const;

/** `lucky storage get [-s id] [key]`: Juju's `storage-get`. */
export class StorageGetCommand extends GetterCommand {
  static override paths = [['storage', 'get']];
  static override usage = Command.Usage({
    category: 'Storage',
    description: 'print the kind (filesystem or block) and location of a storage instance, or one of them',
    details: 'Without -s, the instance of the current storage hook (`<name>-storage-attached`/`-detaching`).',
    examples: [
      ['Where the storage of this hook is mounted', 'lucky storage get location'],
      ['Another instance', 'lucky storage get -s data/1'],
      ['As JSON', 'lucky storage get -s data/0 --format json'],
    ],
  });

  id = Option.String('-s,--storage-id', { description: "Storage instance, e.g. data/0 (default: the storage hook's)" });
  key = Option.String({ required: false, name: 'key' });

  async execute(): Promise<number> {
    if (this.key !== undefined && !(KEYS as readonly string[]).includes(this.key)) {
      throw new UsageError(`Invalid storage attribute "${this.key}": expected kind or location`);
    }
    const attributes = await this.call('storage.get', { id: this.id });
    if (this.key === undefined) writeMap(this.context.stdout, this.format, attributes);
    else writeValue(this.context.stdout, this.format, attributes[this.key as (typeof KEYS)[number]]);
    return 0;
  }
}
