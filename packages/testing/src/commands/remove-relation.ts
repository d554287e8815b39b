import type { CommandClass } from '@lucky/core';
import type { SimKit } from './sim-command.js';
import { HOOK_FORMAT_DESCRIPTION } from './progress.js';

/** `lucky sim remove-relation <a>[:endpoint] <b>[:endpoint]` */
export function simRemoveRelationCommand({ Command, Option, SimCommand }: SimKit): CommandClass {
  return class SimRemoveRelationCommand extends SimCommand {
    static override paths = [['sim', 'remove-relation']];
    static override usage = Command.Usage({
      category: 'Simulator',
      description: 'remove a relation; runs relation-departed and -broken',
      examples: [['Unrelate', 'lucky sim remove-relation web db']],
    });

    hookFormat = Option.String('--format', 'plain', { description: HOOK_FORMAT_DESCRIPTION });
    a = Option.String({ name: 'a' });
    b = Option.String({ name: 'b' });

    async execute(): Promise<number> {
      return this.printOutcomes(await (await this.open()).removeRelation(this.a, this.b));
    }
  };
}
