import { Command, Option } from 'clipanion';
import { parseSecretContent, SecretUpsertCommand } from './content.js';

/** `lucky secret set <id> [--label L] [--description D] [--expire T] [--rotate P] [<content>…]` (Juju's secret-set). */
export class SecretSetCommand extends SecretUpsertCommand {
  static override paths = [['secret', 'set']];
  static override usage = Command.Usage({
    category: 'Secrets',
    description: "change a secret's content (a new revision) or its metadata",
    details: `
      New content makes a new revision when the hook succeeds; consumers tracking an older one then get
      \`secret-changed\`. Without content only the given metadata changes. Content as for \`secret add\`.
      Owner only (the leader for an application's secret).
    `,
    examples: [
      ['Rotate a password', 'lucky secret set "$JUJU_SECRET_ID" password="$(lucky random)"'],
      ['Change the rotation policy only', 'lucky secret set secret:d0l4ft3ndudj2q1f2d6g --rotate weekly'],
    ],
  });

  id = Option.String({ name: 'id' });
  content = Option.Rest({ name: 'key=value' });

  async execute(): Promise<number> {
    await this.call('secret.set', { id: this.id, ...parseSecretContent(this.content, process.cwd()), ...this.metadata() });
    return 0;
  }
}
