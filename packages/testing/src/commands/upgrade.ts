import { resolve } from 'node:path';
import type { CommandClass } from '@lucky/core';
import type { SimKit } from './sim-command.js';
import { HOOK_FORMAT_DESCRIPTION } from './progress.js';

/** `lucky sim upgrade <app> [charm-dir]` */
export function simUpgradeCommand({ Command, Option, SimCommand }: SimKit): CommandClass {
  return class SimUpgradeCommand extends SimCommand {
    static override paths = [['sim', 'upgrade']];
    static override usage = Command.Usage({
      category: 'Simulator',
      description: 'upgrade an application to a charm directory, like juju refresh --path',
      details:
        "Reads the charm again (from the directory given, else from the application's own), keeps the config values the new charm still declares, then runs upgrade-charm and config-changed on every unit. Running Lucky daemons are not stopped, as under Juju: the upgrade-charm hook's `lucky dispatch` restarts a daemon that serves the old charm, its state kept.",
      examples: [
        ['Re-read the charm after editing it', 'lucky sim upgrade web'],
        ['Switch to another build of the charm', 'lucky sim upgrade web ./build/web-charm'],
      ],
    });

    hookFormat = Option.String('--format', 'plain', { description: HOOK_FORMAT_DESCRIPTION });
    app = Option.String({ name: 'app' });
    charmDir = Option.String({ name: 'charm-dir', required: false });

    async execute(): Promise<number> {
      const model = await this.open();
      return this.printOutcomes(await model.upgrade(this.app, this.charmDir === undefined ? undefined : resolve(this.charmDir)));
    }
  };
}
