import type { CommandClass } from '@lucky/core';
import type { SimKit } from './sim-command.js';

/** `lucky sim deploy <charm> [name] [-n units] [--config k=v]…` */
export function simDeployCommand({ Command, Option, UsageError, parseKeyValues, SimCommand }: SimKit): CommandClass {
  return class SimDeployCommand extends SimCommand {
    static override paths = [['sim', 'deploy']];
    static override usage = Command.Usage({
      category: 'Simulator',
      description: 'deploy a charm directory into the local model and run its install hooks',
      details:
        "Runs, on each unit, the peer relation-created hooks, install, leader-elected (or leader-settings-changed), config-changed and start, through the charm's real dispatch file. The model directory is created on first use.",
      examples: [
        ['Two units of a charm', 'lucky sim deploy ./my-charm -n 2'],
        ['With config', 'lucky sim deploy ./my-charm web --config port=8080'],
      ],
    });

    charm = Option.String({ name: 'charm' });
    name = Option.String({ required: false, name: 'name' });
    units = Option.String('-n,--num-units', { description: 'Number of units (default 1)' });
    config = Option.Array('--config', { description: 'key=value config, repeatable' });

    async execute(): Promise<number> {
      const { resolve } = await import('node:path');
      const units = this.units === undefined ? 1 : Number(this.units);
      if (!Number.isInteger(units) || units < 1) throw new UsageError(`Invalid --num-units "${this.units}": expected a whole number of at least 1`);
      const model = await this.openOrCreate();
      const outcomes = await model.deploy(resolve(this.charm), {
        ...(this.name === undefined ? {} : { name: this.name }),
        units,
        ...(this.config ? { config: parseKeyValues(this.config) } : {}),
      });
      return this.printOutcomes(outcomes);
    }
  };
}
