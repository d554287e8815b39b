import { Command, Option } from 'clipanion';
import { GetterCommand } from '../context.js';
import { writeValue } from '../output.js';

/** `lucky get-resource <name>` (CL-17). */
export class GetResourceCommand extends GetterCommand {
  static override paths = [['get-resource']];
  static override usage = Command.Usage({
    category: 'Unit',
    description: 'print the host path of a charm resource (fails if it was not uploaded)',
    examples: [['Use a bundled archive', 'tar -xf "$(lucky get-resource software)"']],
  });

  name = Option.String({ name: 'name' });

  async execute(): Promise<number> {
    writeValue(this.context.stdout, this.format, (await this.call('resource.get', { name: this.name })).path);
    return 0;
  }
}
