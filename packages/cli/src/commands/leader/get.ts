import { Command, Option } from 'clipanion';
import { GetterCommand } from '../../context.js';
import { writeMap, writeValue } from '../../output.js';

/** `lucky leader get [key]` (CL-09). */
export class LeaderGetCommand extends GetterCommand {
  static override paths = [['leader', 'get']];
  static override usage = Command.Usage({
    category: 'Leadership',
    description: 'print leader settings, or one key of them',
    examples: [['Read the shared password', 'lucky leader get password']],
  });

  key = Option.String({ required: false, name: 'key' });

  async execute(): Promise<number> {
    const { values } = await this.call('leader.get', { key: this.key });
    if (this.key === undefined) writeMap(this.context.stdout, this.format, values);
    else writeValue(this.context.stdout, this.format, values[this.key] ?? null);
    return 0;
  }
}
