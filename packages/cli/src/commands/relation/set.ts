import { Command, Option } from 'clipanion';
import { ClientCommand } from '../../context.js';
import { parseKeyValues } from '../../key-value.js';

/** `lucky relation set [-r id] [-A] <key=value>…` (CL-06). */
export class RelationSetCommand extends ClientCommand {
  static override paths = [['relation', 'set']];
  static override usage = Command.Usage({
    category: 'Relations',
    description: "set this unit's (or, as leader, the application's) data on a relation",
    details: 'An empty value ("key=") deletes the key. Juju publishes the data when the hook succeeds.',
    examples: [
      ['Publish an address', 'lucky relation set host="$(lucky private-address)" port=5432'],
      ['Set application data on another relation', 'lucky relation set -r website:1 --app url=http://example'],
    ],
  });

  relationId = Option.String('-r,--relation-id', { description: "Relation id, e.g. db:3 (default: the hook's relation)" });
  app = Option.Boolean('-A,--app', false, { description: 'Set application data (leader only)' });
  pairs = Option.Rest({ required: 1, name: 'key=value' });

  async execute(): Promise<number> {
    await this.call('relation.set', { relationId: this.relationId, app: this.app, values: parseKeyValues(this.pairs) });
    return 0;
  }
}
