import { Command } from 'clipanion';
import { GetterCommand } from '../context.js';
import { writeValue } from '../output.js';

/** `lucky public-address` (CL-16). */
export class PublicAddressCommand extends GetterCommand {
  static override paths = [['public-address']];
  static override usage = Command.Usage({
    category: 'Unit',
    description: "print the unit's public address (may be a DNS name)",
    examples: [['Print it', 'lucky public-address']],
  });

  async execute(): Promise<number> {
    writeValue(this.context.stdout, this.format, (await this.call('address.public', {})).address);
    return 0;
  }
}
