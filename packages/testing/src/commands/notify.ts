import type { CommandClass } from '@lucky/core';
import type { SimKit } from './sim-command.js';

/** `lucky sim notify <unit> <container> <key> [key=value…]` */
export function simNotifyCommand({ Command, Option, parseKeyValues, writeJson, UsageError, SimCommand }: SimKit): CommandClass {
  return class SimNotifyCommand extends SimCommand {
    static override paths = [['sim', 'notify']];
    static override usage = Command.Usage({
      category: 'Simulator',
      description: "record a custom notice in a Kubernetes unit's workload container, like `pebble notify`, and run the hook it fires",
      details:
        "The notice goes to the container's Pebble; as the Juju agent does, the model then runs <container>-pebble-custom-notice on the unit with JUJU_NOTICE_ID, JUJU_NOTICE_TYPE (custom) and JUJU_NOTICE_KEY. The command returns once that hook (and whatever it triggered) has run. The same key again is a new occurrence of the same notice (same id).",
      examples: [
        ['A notice', 'lucky sim notify web/0 web example.com/reload'],
        ['With data', 'lucky sim notify web/0 web example.com/backup path=/srv/backup'],
        ['For scripts', 'lucky sim notify web/0 web example.com/reload --format json'],
      ],
    });

    format = Option.String('--format', 'plain', { description: 'plain or json (the notice id and the hooks run)' });
    unit = Option.String({ name: 'unit' });
    container = Option.String({ name: 'container' });
    key = Option.String({ name: 'key' });
    data = Option.Rest({ name: 'key=value' });

    async execute(): Promise<number> {
      if (this.format !== 'plain' && this.format !== 'json') throw new UsageError(`Invalid --format "${this.format}": expected plain or json`);
      const result = await (await this.open()).notify(this.unit, this.container, this.key, parseKeyValues(this.data));
      if (this.format === 'json') {
        writeJson(this.context.stdout, result);
        return result.outcomes.some((outcome) => outcome.exitCode !== 0) ? 1 : 0;
      }
      this.context.stdout.write(`notice ${result.noticeId} (${this.key})\n`);
      return this.printOutcomes(result.outcomes);
    }
  };
}
