import type { CommandClass } from '@lucky/core';
import { actionLogLines } from '../actions/log-lines.js';
import type { SimKit } from './sim-command.js';

/** `lucky sim log [unit]`: the hook runs and their output. */
export function simLogCommand({ Command, Option, writeJson, SimCommand }: SimKit): CommandClass {
  return class SimLogCommand extends SimCommand {
    static override paths = [['sim', 'log']];
    static override usage = Command.Usage({
      category: 'Simulator',
      description: 'show the hooks and actions a unit (or every unit) ran, with their exit codes, output and action results',
      examples: [['One unit', 'lucky sim log web/0']],
    });

    unit = Option.String({ required: false, name: 'unit' });
    format = Option.String('--format', 'plain', { description: 'plain or json' });

    async execute(): Promise<number> {
      const model = await this.open();
      const runs = await model.hookLog(this.unit);
      // An action's run is shown with its action: params, status, results and logs.
      const actions = new Map((await model.actionLog(this.unit)).map((action) => [action.contextId, action]));
      if (this.format === 'json') {
        writeJson(
          this.context.stdout,
          runs.map((run) => {
            const action = actions.get(run.contextId);
            return action ? { ...run, action } : run;
          }),
        );
        return 0;
      }
      const out = this.context.stdout;
      for (const run of runs) {
        const action = actions.get(run.contextId);
        out.write(action ? await actionLogLines(action) : `${run.unit} ${run.hook}: exit ${run.exitCode}\n`);
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
