import type { CommandClass } from '@lucky/core';
import { formatValue } from '../tools/format.js';
import { secretDetails, secretsTable } from '../secrets/user.js';
import type { SimKit } from './sim-command.js';

/** `lucky sim secrets [--format plain|json|yaml]`: `juju secrets`. */
export function simSecretsCommand({ Command, Option, UsageError, SimCommand }: SimKit): CommandClass {
  return class SimSecretsCommand extends SimCommand {
    static override paths = [['sim', 'secrets']];
    static override usage = Command.Usage({
      category: 'Simulator',
      description: "list the model's secrets (the charms' and the user's), like `juju secrets`; never their content",
      examples: [
        ['Table', 'lucky sim secrets'],
        ['For scripts', 'lucky sim secrets --format json'],
      ],
    });

    format = Option.String('--format', 'plain', { description: 'plain (a table), json or yaml' });

    async execute(): Promise<number> {
      if (this.format !== 'plain' && this.format !== 'json' && this.format !== 'yaml') {
        throw new UsageError(`Invalid --format "${this.format}": expected plain, json or yaml`);
      }
      const state = await (await this.open()).simulator.state();
      if (this.format === 'plain') {
        this.context.stdout.write(secretsTable(state));
        return 0;
      }
      const details = Object.fromEntries(Object.entries(state.secrets ?? {}).map(([id, secret]) => [id, secretDetails(secret)]));
      this.context.stdout.write(await formatValue(this.format, details));
      return 0;
    }
  };
}
