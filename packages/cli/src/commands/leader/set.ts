import { Command, Option } from 'clipanion';
import { ClientCommand } from '../../context.js';
import { parseKeyValues } from '../../key-value.js';

/** `lucky leader set <key=value>…` (CL-10); leader only. */
export class LeaderSetCommand extends ClientCommand {
  static override paths = [['leader', 'set']];
  static override usage = Command.Usage({
    category: 'Leadership',
    description: 'set leader settings, shared with every unit (leader only)',
    examples: [['Share a password', 'lucky leader set password="$(lucky random)"']],
  });

  pairs = Option.Rest({ required: 1, name: 'key=value' });

  async execute(): Promise<number> {
    await this.call('leader.set', { values: parseKeyValues(this.pairs) });
    return 0;
  }
}
