import { Command, Option } from 'clipanion';
import { ContainerGetterCommand } from '../../../context.js';
import { writeMap, writeValue } from '../../../output.js';

/** `lucky container env get [key]` (CL-23); without a key it lists them all (GAP-41). */
export class ContainerEnvGetCommand extends ContainerGetterCommand {
  static override paths = [['container', 'env', 'get']];
  static override usage = Command.Usage({
    category: 'Containers',
    description: 'print a container environment variable, or every KEY=value',
    examples: [
      ['One', 'lucky container env get DB_HOST'],
      ['All', 'lucky container env get'],
    ],
  });

  key = Option.String({ required: false, name: 'key' });

  async execute(): Promise<number> {
    const { values } = await this.call('container.env.get', { container: this.container, key: this.key });
    if (this.key === undefined) writeMap(this.context.stdout, this.format, values);
    else writeValue(this.context.stdout, this.format, values[this.key] ?? null);
    return 0;
  }
}
