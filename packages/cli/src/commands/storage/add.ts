import { Command, Option, UsageError } from 'clipanion';
import { ClientCommand } from '../../context.js';

const REQUEST = /^([a-z][a-z0-9]*(?:-[a-z0-9]+)*)(?:=(\d+))?$/;

/** `lucky storage add <name>[=count]…`: Juju's `storage-add`. */
export class StorageAddCommand extends ClientCommand {
  static override paths = [['storage', 'add']];
  static override usage = Command.Usage({
    category: 'Storage',
    description: 'ask Juju for more instances of stores declared in metadata.yaml',
    details: `
      The instances are added when the hook succeeds (a failing hook drops the request); each then gets its
      \`<name>-storage-attached\` hook. Juju refuses a store the charm does not declare, and counts above its maximum.
    `,
    examples: [
      ['One more data instance', 'lucky storage add data'],
      ['Several', 'lucky storage add data=2 logs'],
    ],
  });

  requests = Option.Rest({ required: 1, name: 'name[=count]' });

  async execute(): Promise<number> {
    const requests = this.requests.map((arg) => {
      const match = REQUEST.exec(arg);
      const count = match?.[2] === undefined ? 1 : Number(match[2]);
      if (!match?.[1] || !Number.isSafeInteger(count) || count < 1) {
        throw new UsageError(`Invalid storage request "${arg}": expected <name>[=<count>], e.g. data or data=2, with a count of at least 1`);
      }
      return { name: match[1], count };
    });
    await this.call('storage.add', { requests });
    return 0;
  }
}
