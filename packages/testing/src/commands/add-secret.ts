import type { CommandClass } from '@lucky/core';
import { addUserSecret } from '../secrets/user.js';
import type { SimKit } from './sim-command.js';

/** `lucky sim add-secret <name> key=value… [--info D]`: `juju add-secret`. */
export function simAddSecretCommand({ Command, Option, SimCommand }: SimKit): CommandClass {
  return class SimAddSecretCommand extends SimCommand {
    static override paths = [['sim', 'add-secret']];
    static override usage = Command.Usage({
      category: 'Simulator',
      description: 'add a user secret (owned by the model) and print its id, like `juju add-secret`',
      details:
        'Content as for secret-add: key=value, key#base64=<base64>, key#file=<path>. Charms can read it once it is granted to their application (`lucky sim grant-secret`); hand them its id, e.g. through a config option of type secret.',
      examples: [
        ['Add one', 'lucky sim add-secret db-creds username=admin password=s3cret'],
        ['Give it to a charm', 'lucky sim config web db-secret="$(lucky sim add-secret db-creds password=s3cret)"'],
      ],
    });

    name = Option.String({ name: 'name' });
    info = Option.String('--info', { description: 'A description of the secret' });
    content = Option.Rest({ required: 1, name: 'key=value' });

    async execute(): Promise<number> {
      const model = await this.open();
      const id = await addUserSecret(model.dir, this.name, this.content, this.info ?? '');
      this.context.stdout.write(`secret:${id}\n`);
      return 0;
    }
  };
}
