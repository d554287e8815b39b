import { Command, Option, UsageError } from 'clipanion';
import { GetterCommand } from '../../context.js';
import { writeMap, writeValue } from '../../output.js';

/** `lucky relation get [-r id -u unit] [-A] [key]` (CL-05). */
export class RelationGetCommand extends GetterCommand {
  static override paths = [['relation', 'get']];
  static override usage = Command.Usage({
    category: 'Relations',
    description: 'print relation data of a remote unit (or app), or one key of it',
    details: 'Without -r, reads the relation and remote unit of the current relation hook. -r needs -u to name the unit.',
    examples: [
      ["Read the remote unit's host", 'lucky relation get host'],
      ['Read another relation', 'lucky relation get -r db:3 -u postgresql/0 password'],
      ["Read the remote application's data", 'lucky relation get --app'],
    ],
  });

  relationId = Option.String('-r,--relation-id', { description: 'Relation id, e.g. db:3' });
  remoteUnit = Option.String('-u,--remote-unit', { description: 'Remote unit (or application with --app) to read' });
  app = Option.Boolean('-A,--app', false, { description: 'Read application data instead of unit data' });
  key = Option.String({ required: false, name: 'key' });

  async execute(): Promise<number> {
    if (this.relationId !== undefined && this.remoteUnit === undefined && !this.app) {
      throw new UsageError('relation get -r <id> also needs -u <remote unit> (or --app)');
    }
    const { values } = await this.call('relation.get', { relationId: this.relationId, unit: this.remoteUnit, app: this.app, key: this.key });
    if (this.key === undefined) writeMap(this.context.stdout, this.format, values);
    else writeValue(this.context.stdout, this.format, values[this.key] ?? null);
    return 0;
  }
}
