import type { CommandClass } from '@lucky/core';
import type { SimKit } from './sim-command.js';

/** `lucky sim run <unit> <hook>` */
export function simRunCommand({ Command, Option, SimCommand }: SimKit): CommandClass {
  return class SimRunCommand extends SimCommand {
    static override paths = [['sim', 'run']];
    static override usage = Command.Usage({
      category: 'Simulator',
      description: 'run one hook on a unit (update-status, or any hook name), then whatever it triggers',
      examples: [['Periodic status', 'lucky sim run web/0 update-status']],
    });

    unit = Option.String({ name: 'unit' });
    hook = Option.String({ name: 'hook' });

    async execute(): Promise<number> {
      const outcomes = await (await this.open()).run(this.unit, this.hook);
      const first = outcomes[0];
      if (first && first.unit === this.unit && first.hook === this.hook) {
        this.context.stdout.write(first.stdout);
        if (first.exitCode === 0) this.context.stderr.write(first.stderr);
      }
      return this.printOutcomes(outcomes);
    }
  };
}
