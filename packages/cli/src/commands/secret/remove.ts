import { Command, Option, UsageError } from 'clipanion';
import { ClientCommand } from '../../context.js';

/** `lucky secret remove <id> [--revision N]` (Juju's secret-remove). */
export class SecretRemoveCommand extends ClientCommand {
  static override paths = [['secret', 'remove']];
  static override usage = Command.Usage({
    category: 'Secrets',
    description: 'remove a secret, or one of its revisions',
    details: `
      Owner only, when the hook succeeds. In \`secret-remove\` (no one tracks that revision any more), remove the
      revision Juju names: \`lucky secret remove "$JUJU_SECRET_ID" --revision "$JUJU_SECRET_REVISION"\`.
    `,
    examples: [
      ['A whole secret', 'lucky secret remove "$id"'],
      ['An unused revision', 'lucky secret remove "$JUJU_SECRET_ID" --revision "$JUJU_SECRET_REVISION"'],
    ],
  });

  revision = Option.String('--revision', { description: 'Only this revision' });
  id = Option.String({ name: 'id' });

  async execute(): Promise<number> {
    let revision: number | undefined;
    if (this.revision !== undefined) {
      revision = Number(this.revision);
      if (!/^\d+$/.test(this.revision) || revision < 1) throw new UsageError(`Invalid --revision "${this.revision}": expected a revision number (1 or more)`);
    }
    await this.call('secret.remove', { id: this.id, ...(revision !== undefined ? { revision } : {}) });
    return 0;
  }
}
