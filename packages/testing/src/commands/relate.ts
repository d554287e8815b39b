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
      examples: [
        ['By application', 'lucky sim relate web db'],
        ['By endpoint', 'lucky sim relate web:db postgresql:db'],
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
