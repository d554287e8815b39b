import type { CommandClass } from '@lucky/core';
import type { SimKit } from './sim-command.js';
import { HOOK_FORMAT_DESCRIPTION } from './progress.js';

/** `lucky sim remove-unit <unit>` */
export function simRemoveUnitCommand({ Command, Option, SimCommand }: SimKit): CommandClass {
  return class SimRemoveUnitCommand extends SimCommand {
    static override paths = [['sim', 'remove-unit']];
    static override usage = Command.Usage({
      category: 'Simulator',
      description: 'remove a unit: relation-departed and -broken, stop, remove',
      examples: [['Remove a unit', 'lucky sim remove-unit web/1']],
    });

    hookFormat = Option.String('--format', 'plain', { description: HOOK_FORMAT_DESCRIPTION });
    unit = Option.String({ name: 'unit' });

    async execute(): Promise<number> {
      return this.printOutcomes(await (await this.open()).removeUnit(this.unit));
    }
  };
}
