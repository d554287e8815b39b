import { goalState } from '../model/goal-state.js';
import { checkEmpty } from './errors.js';
import { valueOption, writeOutput, type ToolDefinition } from './tool.js';

export const tool: ToolDefinition = {
  name: 'goal-state',
  args: '',
  purpose: "Print the status of the charm's peers and related units.",
  // goal-state offers yaml (its default) and json only.
  options: () => [
    {
      names: ['format'],
      kind: 'value',
      key: 'format',
      parse: (raw) => {
        if (raw !== 'yaml' && raw !== 'json') throw new Error(`unknown format ${JSON.stringify(raw)}`);
        return raw;
      },
    },
    valueOption('o', 'output'),
  ],
  async run(context, parsed) {
    checkEmpty(parsed.args);
    await writeOutput(context, parsed, goalState(context.model, context.unitName), 'yaml');
  },
};
