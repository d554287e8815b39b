import { currentApplication } from './context.js';
import { checkEmpty, usageError } from './errors.js';
import { outputOptions, ownValue, writeOutput, type ToolDefinition } from './tool.js';

export const tool: ToolDefinition = {
  name: 'leader-get',
  args: '[<key>]',
  purpose: 'Print application leadership settings.',
  options: () => outputOptions(),
  async run(context, parsed) {
    let key = parsed.args[0] ?? '';
    if (key === '-') key = '';
    else if (key.includes('=')) usageError(`invalid key ${JSON.stringify(key)}`);
    checkEmpty(parsed.args.slice(1));
    const settings = currentApplication(context).leaderSettings;
    await writeOutput(context, parsed, key === '' ? settings : ownValue(settings, key));
  },
};
