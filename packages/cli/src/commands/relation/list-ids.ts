import { Command, Option } from 'clipanion';
import { GetterCommand } from '../../context.js';
import { writeList } from '../../output.js';

/** `lucky relation list-ids -n <relation name>` (CL-08). */
export class RelationListIdsCommand extends GetterCommand {
  static override paths = [['relation', 'list-ids']];
  static override usage = Command.Usage({
    category: 'Relations',
    description: 'list the ids of the relations on an endpoint',
    examples: [['Every website relation', 'lucky relation list-ids -n website']],
  });

  relationName = Option.String('-n,--relation-name', { required: true, description: 'Endpoint name from metadata.yaml' });

  async execute(): Promise<number> {
    writeList(this.context.stdout, this.format, (await this.call('relation.ids', { name: this.relationName })).ids);
    return 0;
  }
}
