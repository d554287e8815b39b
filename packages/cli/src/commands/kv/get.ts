import { Command, Option } from 'clipanion';
import { GetterCommand } from '../../context.js';
import { writeMap, writeValue } from '../../output.js';

/** `lucky kv get [key]` (CL-02). */
export class KvGetCommand extends GetterCommand {
  static override paths = [['kv', 'get']];
  static override usage = Command.Usage({
    category: 'Unit key-value store',
    description: "print a value of the unit's key-value store, or every key=value",
    examples: [
      ['Read a value', 'lucky kv get db-password'],
      ['List everything', 'lucky kv get'],
    ],
  });

  key = Option.String({ required: false, name: 'key' });

  async execute(): Promise<number> {
    const client = await this.connect();
    try {
      if (this.key === undefined) writeMap(this.context.stdout, this.format, (await client.call('kv.list', {})).values);
      else writeValue(this.context.stdout, this.format, (await client.call('kv.get', { key: this.key })).value);
    } finally {
      client.close();
    }
    return 0;
  }
}
