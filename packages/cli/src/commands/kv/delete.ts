import { Command, Option } from 'clipanion';
import { ClientCommand } from '../../context.js';

/** `lucky kv delete <key>…`: the command Lucky lacked but charms used (GAP-30). */
export class KvDeleteCommand extends ClientCommand {
  static override paths = [['kv', 'delete']];
  static override usage = Command.Usage({
    category: 'Unit key-value store',
    description: "delete keys from the unit's key-value store",
    examples: [['Forget a value', 'lucky kv delete db-password']],
  });

  keys = Option.Rest({ required: 1, name: 'key' });

  async execute(): Promise<number> {
    await this.call('kv.delete', { keys: this.keys });
    return 0;
  }
}
