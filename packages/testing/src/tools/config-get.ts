import type { GoValue } from './format.js';
import { currentApplication } from './context.js';
import { checkEmpty, usageError } from './errors.js';
import { boolOption, outputOptions, ownValue, writeOutput, type ToolDefinition } from './tool.js';

export const tool: ToolDefinition = {
  name: 'config-get',
  args: '[<key>]',
  purpose: 'Print application configuration.',
  options: () => [...outputOptions(), boolOption('a', 'all')],
  async run(context, parsed) {
    const all = parsed.bool('all');
    const key = parsed.args[0] ?? '';
    if (key !== '' && all) usageError(`cannot use argument --all together with key ${JSON.stringify(key)}`);
    checkEmpty(parsed.args.slice(1));

    const app = currentApplication(context);
    const settings = Object.entries(app.configOptions).map(([name, option]): [string, GoValue] => [name, ownValue(app.config, name) ?? option.default ?? null]);
    if (key !== '') {
      // Unknown keys print null rather than failing.
      await writeOutput(context, parsed, settings.find(([name]) => name === key)?.[1] ?? null);
      return;
    }
    // Without --all, options that are neither set nor defaulted are left out.
    await writeOutput(context, parsed, Object.fromEntries(all ? settings : settings.filter(([, value]) => value !== null)));
  },
};
