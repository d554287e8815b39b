import type { CommandClass } from '@lucky/core';
import type { SimKit } from './sim-command.js';

/** `lucky sim log [unit]`: the hook runs and their output. */
export function simLogCommand({ Command, Option, writeJson, SimCommand }: SimKit): CommandClass {
  return class SimLogCommand extends SimCommand {
    static override paths = [['sim', 'log']];
    static override usage = Command.Usage({
      category: 'Simulator',
      description: 'show the hooks a unit (or every unit) ran, with their exit codes and output',
      examples: [['One unit', 'lucky sim log web/0']],
    });

    unit = Option.String({ required: false, name: 'unit' });
    format = Option.String('--format', 'plain', { description: 'plain or json' });

    async execute(): Promise<number> {
      const runs = await (await this.open()).hookLog(this.unit);
      if (this.format === 'json') {
        writeJson(this.context.stdout, runs);
        return 0;
      }
      const out = this.context.stdout;
      for (const run of runs) {
        out.write(`${run.unit} ${run.hook}: exit ${run.exitCode}\n`);
        for (const [stream, text] of [
          ['out', run.stdout],
          ['err', run.stderr],
        ] as const) {
          for (const line of text.trimEnd().split('\n')) if (line) out.write(`  ${stream}| ${line}\n`);
        }
      }
      return 0;
    }
  };
}
