import type { CommandClass } from '@lucky/core';
import { SimulatorError } from '../errors.js';
import { unitApplication } from '../model/names.js';
import { closest, receivableHooks } from './receivable-hooks.js';
import type { SimKit } from './sim-command.js';
import { HOOK_FORMAT_DESCRIPTION } from './progress.js';

/** `lucky sim hook <unit> <hook>`: fires one hook the charm can receive. */
export function simHookCommand({ Command, Option, SimCommand }: SimKit): CommandClass {
  return class SimHookCommand extends SimCommand {
    static override paths = [['sim', 'hook']];
    static override usage = Command.Usage({
      category: 'Simulator',
      description: 'fire one hook on a unit (update-status, config-changed…), then whatever it triggers',
      details: `
        Only hooks Juju could fire on the unit's charm are accepted: the lifecycle and secret hooks, and the hooks of
        its endpoints, storage and workload containers. Relation and storage hooks follow relation and storage changes
        (\`sim relate\`, \`sim remove-relation\`, \`sim add-unit\`), so they are refused here too. Actions run with
        \`lucky sim run\`.
      `,
      examples: [
        ['Periodic status', 'lucky sim hook web/0 update-status'],
        ['Re-run config-changed', 'lucky sim hook web/0 config-changed'],
      ],
    });

    hookFormat = Option.String('--format', 'plain', { description: HOOK_FORMAT_DESCRIPTION });
    unit = Option.String({ name: 'unit' });
    hook = Option.String({ name: 'hook' });

    async execute(): Promise<number> {
      const model = await this.open();
      const app = (await model.simulator.state()).applications[unitApplication(this.unit)];
      if (app) {
        const hooks = receivableHooks(app);
        if (!hooks.includes(this.hook)) {
          const near = closest(this.hook, hooks);
          throw new SimulatorError(
            `The charm of ${this.unit} cannot receive the hook "${this.hook}"${near ? `; did you mean "${near}"?` : ''} (actions run with "lucky sim run ${this.unit} <action>").`,
          );
        }
      }
      const outcomes = await model.run(this.unit, this.hook);
      const first = outcomes[0];
      if (first && first.unit === this.unit && first.hook === this.hook) {
        this.context.stdout.write(first.stdout);
        if (first.exitCode === 0) this.context.stderr.write(first.stderr);
      }
      return this.printOutcomes(outcomes);
    }
  };
}
