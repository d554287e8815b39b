import { currentUnit } from './context.js';
import { checkEmpty, usageError } from './errors.js';
import { outputOptions, writeOutput, type ToolDefinition } from './tool.js';

export const tool: ToolDefinition = {
  name: 'unit-get',
  args: '<setting>',
  purpose: 'Print public-address or private-address.',
  options: () => outputOptions(),
  async run(context, parsed) {
    const [setting, ...rest] = parsed.args;
    if (setting === undefined) usageError('no setting specified');
    if (setting !== 'private-address' && setting !== 'public-address') usageError(`unknown setting ${JSON.stringify(setting)}`);
    checkEmpty(rest);
    const unit = currentUnit(context);
    await writeOutput(context, parsed, setting === 'private-address' ? unit.privateAddress : unit.publicAddress);
  },
};
