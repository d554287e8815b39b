import type { CommandClass } from '@lucky/core';
import type { SimKit } from './sim-command.js';

/** `lucky sim destroy` */
export function simDestroyCommand({ Command, SimCommand }: SimKit): CommandClass {
  return class SimDestroyCommand extends SimCommand {
    static override paths = [['sim', 'destroy']];
    static override usage = Command.Usage({
      category: 'Simulator',
      description: "stop every unit's daemon and delete the model directory",
      examples: [['Clean up', 'lucky sim destroy']],
    });

    async execute(): Promise<number> {
      await (await this.open()).destroy();
      this.context.stdout.write(`Model ${this.dir} destroyed\n`);
      return 0;
    }
  };
}
