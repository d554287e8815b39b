import type { CommandClass } from '@lucky/core';
import type { SimKit } from './sim-command.js';

/** `lucky sim resolved <unit>` */
export function simResolvedCommand({ Command, Option, SimCommand }: SimKit): CommandClass {
  return class SimResolvedCommand extends SimCommand {
    static override paths = [['sim', 'resolved']];
    static override usage = Command.Usage({
      category: 'Simulator',
      description: 'retry the failed hook of a unit in error, then continue its queue',
      examples: [['Retry', 'lucky sim resolved web/0']],
    });

    unit = Option.String({ name: 'unit' });

    async execute(): Promise<number> {
      return this.printOutcomes(await (await this.open()).resolved(this.unit));
    }
  };
}
