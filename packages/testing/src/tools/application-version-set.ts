import { updateModel } from '../model/store.js';
import { checkEmpty, runtimeError, usageError } from './errors.js';
import type { ToolDefinition } from './tool.js';

export const tool: ToolDefinition = {
  name: 'application-version-set',
  args: '<new-version>',
  purpose: 'Specify which version of the application is deployed.',
  options: () => [],
  async run(context, parsed) {
    const [version, ...rest] = parsed.args;
    if (version === undefined) usageError('no version specified');
    checkEmpty(rest);
    await updateModel(context.modelDir, (model) => {
      const unit = model.units[context.unitName];
      if (!unit) runtimeError(`unit ${JSON.stringify(context.unitName)} not found`);
      unit.workloadVersion = version;
      unit.workloadVersionSince = new Date().toISOString();
    });
  },
};
