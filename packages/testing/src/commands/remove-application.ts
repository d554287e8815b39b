import type { CommandClass } from '@lucky/core';
import type { SimKit } from './sim-command.js';

/** `lucky sim remove-application <app>` */
export function simRemoveApplicationCommand({ Command, Option, SimCommand }: SimKit): CommandClass {
  return class SimRemoveApplicationCommand extends SimCommand {
    static override paths = [['sim', 'remove-application']];
    static override usage = Command.Usage({
      category: 'Simulator',
      description: 'remove an application: its relations depart and break, its units stop and are removed, with their containers',
      details:
        'As `juju remove-application`. Each unit runs stop and remove (the Docker runtime removes its containers then; any the daemon left are removed after). Should a hook fail, resolve the unit and run the command again.',
      examples: [['Remove an application', 'lucky sim remove-application web']],
    });

    app = Option.String({ name: 'application' });

    async execute(): Promise<number> {
      const code = this.printOutcomes(await (await this.open()).removeApplication(this.app));
      if (code === 0) this.context.stdout.write(`Application ${this.app} removed\n`);
      return code;
    }
  };
}
