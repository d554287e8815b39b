import type { CommandClass } from '@lucky/core';
import type { SimKit } from './sim-command.js';
import { HOOK_FORMAT_DESCRIPTION } from './progress.js';

/** `lucky sim add-unit <app> [-n count]` */
export function simAddUnitCommand({ Command, Option, UsageError, SimCommand }: SimKit): CommandClass {
  return class SimAddUnitCommand extends SimCommand {
    static override paths = [['sim', 'add-unit']];
    static override usage = Command.Usage({
      category: 'Simulator',
      description: 'add units to an application; they join its relations',
      examples: [['One more unit', 'lucky sim add-unit web']],
    });

    hookFormat = Option.String('--format', 'plain', { description: HOOK_FORMAT_DESCRIPTION });
    app = Option.String({ name: 'application' });
    count = Option.String('-n,--num-units', { description: 'How many (default 1)' });

    async execute(): Promise<number> {
      const count = this.count === undefined ? 1 : Number(this.count);
      if (!Number.isInteger(count) || count < 1) throw new UsageError(`Invalid --num-units "${this.count}": expected a whole number of at least 1`);
      return this.printOutcomes(await (await this.open()).addUnit(this.app, count));
    }
  };
}
