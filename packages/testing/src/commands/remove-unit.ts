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
      details:
        "A principal unit's subordinate units go first (their relation-departed and -broken, stop, remove), then the unit. A subordinate unit cannot be removed on its own, as in Juju: remove its relation to the principal (lucky sim remove-relation), which removes all its units.",
      examples: [['Remove a unit', 'lucky sim remove-unit web/1']],
    });

    hookFormat = Option.String('--format', 'plain', { description: HOOK_FORMAT_DESCRIPTION });
    unit = Option.String({ name: 'unit' });

    async execute(): Promise<number> {
      return this.printOutcomes(await (await this.open()).removeUnit(this.unit));
    }
  };
}
