import { Command, Option } from 'clipanion';
import { ClientCommand } from '../../context.js';
import { parseKeyValues } from '../../key-value.js';

/** `lucky kv set <key=value>…` (CL-03); an empty value deletes the key. */
export class KvSetCommand extends ClientCommand {
  static override paths = [['kv', 'set']];
  static override usage = Command.Usage({
    category: 'Unit key-value store',
    description: 'set values in the unit\'s key-value store; "key=" deletes the key',
    examples: [['Store a password', 'lucky kv set db-password="$(lucky random)"']],
  });

  pairs = Option.Rest({ required: 1, name: 'key=value' });

  async execute(): Promise<number> {
    const values = parseKeyValues(this.pairs);
    await this.call('kv.set', { values });
    return 0;
  }
}
