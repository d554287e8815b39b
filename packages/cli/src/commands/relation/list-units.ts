import { Command, Option } from 'clipanion';
import { GetterCommand } from '../../context.js';
import { writeList } from '../../output.js';

/** `lucky relation list-units [-r id]` (CL-07); without -r it lists the hook's relation (GAP-60). */
export class RelationListUnitsCommand extends GetterCommand {
  static override paths = [['relation', 'list-units']];
  static override usage = Command.Usage({
    category: 'Relations',
    description: 'list the remote units of a relation',
    examples: [
      ['Units of the current relation', 'lucky relation list-units'],
      ['Units of db:3', 'lucky relation list-units -r db:3'],
    ],
  });

  relationId = Option.String('-r,--relation-id', { description: "Relation id (default: the hook's relation)" });

  async execute(): Promise<number> {
    writeList(this.context.stdout, this.format, (await this.call('relation.list', { relationId: this.relationId })).units);
    return 0;
  }
}
