import { isLeader } from './context.js';
import { checkEmpty } from './errors.js';
import { outputOptions, writeOutput, type ToolDefinition } from './tool.js';

export const tool: ToolDefinition = {
  name: 'is-leader',
  args: '',
  purpose: 'Print application leadership status.',
  options: () => outputOptions(),
  async run(context, parsed) {
    checkEmpty(parsed.args);
    await writeOutput(context, parsed, isLeader(context));
  },
};
