import { Command, Option } from 'clipanion';
import { ClientCommand } from '../../context.js';

/** `lucky secret revoke <id> [-r <relation> | --app <app> | --unit <unit>]` (Juju's secret-revoke). */
export class SecretRevokeCommand extends ClientCommand {
  static override paths = [['secret', 'revoke']];
  static override usage = Command.Usage({
    category: 'Secrets',
    description: 'take back read access to a secret from an application or a unit',
    details: `
      Give one target: the application on the other side of a relation (-r; in a relation hook, that relation by
      default), an application (--app) or a unit (--unit). Revoking an application also ends the grants to its units.
      Takes effect when the hook succeeds; the consumer's \`secret get\` then fails with "permission denied".
    `,
    examples: [
      ['In db-relation-departed', 'lucky secret revoke "$id"'],
      ['From an application', 'lucky secret revoke "$id" --app wordpress'],
    ],
  });

  relation = Option.String('-r,--relation,--relation-id', { description: 'Relation id, e.g. db:3' });
  app = Option.String('--app', { description: 'Application to revoke' });
  unit = Option.String('--unit', { description: 'Unit to revoke' });
  id = Option.String({ name: 'id' });

  async execute(): Promise<number> {
    await this.call('secret.revoke', { id: this.id, relationId: this.relation, app: this.app, unit: this.unit });
    return 0;
  }
}
