import type { CommandClass } from '@lucky/core';
import { formatStatus } from './status-table.js';
import type { SimKit } from './sim-command.js';

/** `lucky sim status [--format json]` */
export function simStatusCommand({ Command, Option, UsageError, writeJson, SimCommand }: SimKit): CommandClass {
  return class SimStatusCommand extends SimCommand {
    static override paths = [['sim', 'status']];
    static override usage = Command.Usage({
      category: 'Simulator',
      description: 'show the model like `juju status`: applications, units, statuses, leaders, ports, addresses, relations',
      examples: [
        ['Table', 'lucky sim status'],
        ['For scripts', 'lucky sim status --format json'],
      ],
    });

    format = Option.String('--format', 'plain', { description: 'plain or json' });

    async execute(): Promise<number> {
      if (this.format !== 'plain' && this.format !== 'json') throw new UsageError(`Invalid --format "${this.format}": expected plain or json`);
      const status = await (await this.open()).status();
      if (this.format === 'json') writeJson(this.context.stdout, status);
      else this.context.stdout.write(formatStatus(status));
      return 0;
    }
  };
}
