import type { CommandClass } from '@lucky/core';
import { ErrorCode, LuckyError } from '@lucky/errors';
import type { SimKit } from './sim-command.js';
import { HOOK_FORMAT_DESCRIPTION } from './progress.js';

/** `lucky sim config <app> [key=value…]`: without values, prints the config. */
export function simConfigCommand({ Command, Option, parseKeyValues, SimCommand }: SimKit): CommandClass {
  return class SimConfigCommand extends SimCommand {
    static override paths = [['sim', 'config']];
    static override usage = Command.Usage({
      category: 'Simulator',
      description: "show an application's config, or change it and run config-changed",
      details:
        'Values are checked against the charm\'s config.yaml: an undeclared key or a value of the wrong type is refused and nothing changes. "key=" resets an option to its default.',
      examples: [
        ['Show', 'lucky sim config web'],
        ['Change', 'lucky sim config web port=9090 debug=true'],
      ],
    });

    hookFormat = Option.String('--format', 'plain', { description: HOOK_FORMAT_DESCRIPTION });
    app = Option.String({ name: 'application' });
    pairs = Option.Rest({ name: 'key=value' });

    async execute(): Promise<number> {
      const model = await this.open();
      if (this.pairs.length === 0) {
        const state = await model.simulator.state();
        const app = state.applications[this.app];
        if (!app) {
          throw new LuckyError(ErrorCode.InvalidArgument, `No application "${this.app}" in the model; see "lucky sim status".`);
        }
        for (const key of Object.keys(app.configOptions).sort()) {
          const value = key in app.config ? app.config[key] : app.configOptions[key]?.default;
          this.context.stdout.write(`${key}=${value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value)}\n`);
        }
        return 0;
      }
      return this.printOutcomes(await model.config(this.app, parseKeyValues(this.pairs)));
    }
  };
}
