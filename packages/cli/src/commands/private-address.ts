import { Command } from 'clipanion';
import { GetterCommand } from '../context.js';
import { writeValue } from '../output.js';

/** `lucky private-address` (CL-15), without Lucky's stray empty line (GAP-48). */
export class PrivateAddressCommand extends GetterCommand {
  static override paths = [['private-address']];
  static override usage = Command.Usage({
    category: 'Unit',
    description: "print the unit's private address",
    examples: [['Publish it', 'lucky relation set host="$(lucky private-address)"']],
  });

  async execute(): Promise<number> {
    writeValue(this.context.stdout, this.format, (await this.call('address.private', {})).address);
    return 0;
  }
}
