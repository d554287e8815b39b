import { Command, Option } from 'clipanion';
import { ContainerCommand } from '../../../context.js';
import { parseKeyValues } from '../../../key-value.js';

/** `lucky container env set <KEY=value>…` (CL-24); an empty value removes the variable. */
export class ContainerEnvSetCommand extends ContainerCommand {
  static override paths = [['container', 'env', 'set']];
  static override usage = Command.Usage({
    category: 'Containers',
    description: 'set container environment variables; "KEY=" removes one',
    examples: [['Point at the database', 'lucky container env set DB_HOST="$host" DB_PORT=5432']],
  });

  pairs = Option.Rest({ required: 1, name: 'KEY=value' });

  async execute(): Promise<number> {
    await this.change('container.env.set', { container: this.container, values: parseKeyValues(this.pairs) });
    return 0;
  }
}
