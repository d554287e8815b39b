import type { CommandClass } from '@lucky/core';
import type { SimKit } from './sim-command.js';

/** `lucky sim advance <duration>` */
export function simAdvanceCommand({ Command, Option, UsageError, SimCommand }: SimKit): CommandClass {
  return class SimAdvanceCommand extends SimCommand {
    static override paths = [['sim', 'advance']];
    static override usage = Command.Usage({
      category: 'Simulator',
      description: 'move the model clock forward, firing update-status, cron jobs and other timed events in time order',
      details: `The model clock starts at the real time when the model is created and moves only with this command. While it moves, every unit gets update-status every 5 minutes (Juju's default interval, at the multiples of 5 minutes in UTC), each Lucky cron job runs at each of its fire times (as its daemon would: juju-exec <unit> "lucky dispatch --cron <job>"), and timed events such as secret rotation and expiry fire, all in time order. The duration is whole numbers with units ms, s, m, h, d or w.`,
      examples: [
        ['Five minutes: one update-status per unit', 'lucky sim advance 5m'],
        ['An hour and a half', 'lucky sim advance 1h30m'],
        ['What ran, as JSON', 'lucky sim advance 2h --format json'],
      ],
    });

    duration = Option.String({ name: 'duration' });
    format = Option.String('--format', 'plain', { description: 'plain or json' });

    async execute(): Promise<number> {
      if (this.format !== 'plain' && this.format !== 'json') throw new UsageError(`Invalid --format "${this.format}": expected plain or json`);
      const model = await this.open();
      const steps = await model.advance(this.duration);
      const now = await model.now();
      const outcomes = steps.flatMap((step) => step.outcomes);
      const failed = outcomes.filter((outcome) => outcome.exitCode !== 0 && outcome.reboot !== 'now').length;
      if (this.format === 'json') {
        const json = {
          clock: now.toISOString(),
          events: steps.map((step) => ({
            at: step.at.toISOString(),
            unit: step.unit,
            event: step.event,
            hooks: step.outcomes.map((outcome) => ({ unit: outcome.unit, hook: outcome.hook, exitCode: outcome.exitCode })),
          })),
        };
        this.context.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
        return failed > 0 ? 1 : 0;
      }
      let code = 0;
      for (const step of steps) {
        this.context.stdout.write(`${step.at.toISOString()}  ${step.unit} ${step.event}\n`);
        if (this.printOutcomes(step.outcomes) !== 0) code = 1;
      }
      this.context.stdout.write(`Model clock: ${now.toISOString()}\n`);
      return code;
    }
  };
}
