import { Command, Option } from 'clipanion';
import { ClientCommand } from '../../context.js';

/** `lucky secret grant <id> [-r <relation>] [--unit <unit>]` (Juju's secret-grant). */
export class SecretGrantCommand extends ClientCommand {
  static override paths = [['secret', 'grant']];
  static override usage = Command.Usage({
    category: 'Secrets',
    description: 'let the application (or one unit) on the other side of a relation read a secret',
    details: `
      The grant holds while the relation exists, until revoked. Without -r, the relation of the current relation
      hook. Owner only (the leader for an application's secret); it takes effect when the hook succeeds.
    `,
    examples: [
      ['In db-relation-joined', 'lucky secret grant "$id"'],
      ['To one unit of another relation', 'lucky secret grant "$id" -r db:3 --unit wordpress/1'],
    ],
  });

  relation = Option.String('-r,--relation,--relation-id', { description: "Relation id, e.g. db:3 (default: the hook's relation)" });
  unit = Option.String('--unit', { description: 'Only this unit of the related application' });
  id = Option.String({ name: 'id' });

  async execute(): Promise<number> {
    await this.call('secret.grant', { id: this.id, relationId: this.relation, unit: this.unit });
    return 0;
  }
}
