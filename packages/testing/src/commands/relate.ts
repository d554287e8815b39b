import type { CommandClass } from '@lucky/core';
import type { SimKit } from './sim-command.js';
import { HOOK_FORMAT_DESCRIPTION } from './progress.js';

/** `lucky sim relate <a>[:endpoint] <b>[:endpoint]` */
export function simRelateCommand({ Command, Option, SimCommand }: SimKit): CommandClass {
  return class SimRelateCommand extends SimCommand {
    static override paths = [['sim', 'relate']];
    static override usage = Command.Usage({
      category: 'Simulator',
      description: 'relate two applications; runs relation-created, -joined and -changed on both sides',
      details:
        'Every charm also has the implicit juju-info endpoint. Relating a subordinate charm over a container-scoped endpoint (scope: container, e.g. juju-info) gives each unit of the principal application one unit of the subordinate, on its machine: it runs install, relation-created, leader-elected, config-changed and start, then joins; in that relation each unit sees only the unit of its own container.',
      examples: [
        ['By application', 'lucky sim relate web db'],
        ['By endpoint', 'lucky sim relate web:db postgresql:db'],
        ['A subordinate to its principal', 'lucky sim relate log-shipper:juju-info web:juju-info'],
      ],
    });

    hookFormat = Option.String('--format', 'plain', { description: HOOK_FORMAT_DESCRIPTION });
    a = Option.String({ name: 'a' });
    b = Option.String({ name: 'b' });

    async execute(): Promise<number> {
      return this.printOutcomes(await (await this.open()).relate(this.a, this.b));
    }
  };
}
