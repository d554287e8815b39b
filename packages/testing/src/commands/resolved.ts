import type { CommandClass } from '@lucky/core';
import type { SimKit } from './sim-command.js';
import { HOOK_FORMAT_DESCRIPTION } from './progress.js';

/** `lucky sim resolved <unit> [--no-retry]`, as `juju resolved`. */
export function simResolvedCommand({ Command, Option, SimCommand }: SimKit): CommandClass {
  return class SimResolvedCommand extends SimCommand {
    static override paths = [['sim', 'resolved']];
    static override usage = Command.Usage({
      category: 'Simulator',
      description: 'clear a unit in error: retry the failed hook (or skip it with --no-retry), then continue its queue',
      details:
        'As `juju resolved`: without --no-retry the failed hook runs again; with it the hook is marked resolved and the unit moves on to its next queued hook, so a hook that always fails does not wedge the unit.',
      examples: [
        ['Retry the failed hook', 'lucky sim resolved web/0'],
        ['Skip the failed hook and run the next one', 'lucky sim resolved web/0 --no-retry'],
      ],
    });

    hookFormat = Option.String('--format', 'plain', { description: HOOK_FORMAT_DESCRIPTION });
    noRetry = Option.Boolean('--no-retry', false, { description: 'Do not run the failed hook again; go on with the next queued hook' });
    unit = Option.String({ name: 'unit' });

    async execute(): Promise<number> {
      return this.printOutcomes(await (await this.open()).resolved(this.unit, { retry: !this.noRetry }));
    }
  };
}
