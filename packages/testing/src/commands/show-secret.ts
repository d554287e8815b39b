import type { CommandClass } from '@lucky/core';
import { formatValue } from '../tools/format.js';
import { resolveSecret, secretDetails } from '../secrets/user.js';
import type { SimKit } from './sim-command.js';

/** `lucky sim show-secret <name|id> [--reveal] [--revisions] [--format yaml|json]`: `juju show-secret`. */
export function simShowSecretCommand({ Command, Option, UsageError, SimCommand }: SimKit): CommandClass {
  return class SimShowSecretCommand extends SimCommand {
    static override paths = [['sim', 'show-secret']];
    static override usage = Command.Usage({
      category: 'Simulator',
      description: "show a secret's metadata and grants, like `juju show-secret`; its content only with --reveal",
      examples: [
        ['Metadata', 'lucky sim show-secret secret:d0l4ft3ndudj2q1f2d6g'],
        ['With the latest content', 'lucky sim show-secret db-creds --reveal'],
        ['Every revision, as JSON', 'lucky sim show-secret db-creds --revisions --format json'],
      ],
    });

    secret = Option.String({ name: 'secret' });
    reveal = Option.Boolean('--reveal', false, { description: 'Include the content of the latest revision' });
    revisions = Option.Boolean('--revisions', false, { description: 'List the revisions' });
    format = Option.String('--format', 'yaml', { description: 'yaml or json' });

    async execute(): Promise<number> {
      if (this.format !== 'yaml' && this.format !== 'json') throw new UsageError(`Invalid --format "${this.format}": expected yaml or json`);
      const state = await (await this.open()).simulator.state();
      const [id, secret] = resolveSecret(state, this.secret);
      const details = secretDetails(secret, { reveal: this.reveal, revisions: this.revisions, access: true });
      this.context.stdout.write(await formatValue(this.format, { [id]: details }));
      return 0;
    }
  };
}
