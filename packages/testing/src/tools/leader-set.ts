import { setOwn } from '../model/records.js';
import { updateModel } from '../model/store.js';
import { runtimeError, usageError } from './errors.js';
import { parseKeyValues, type ToolDefinition } from './tool.js';

export const tool: ToolDefinition = {
  name: 'leader-set',
  args: '<key>=<value> [...]',
  purpose: 'Write application leadership settings.',
  options: () => [],
  async run(context, parsed) {
    let settings: Map<string, string>;
    try {
      settings = parseKeyValues(parsed.args);
    } catch (error) {
      usageError((error as Error).message);
    }
    // Immediate: written to the model at once, surviving a failing hook.
    await updateModel(context.modelDir, (model) => {
      const app = model.applications[context.appName];
      if (!app || app.leader !== context.unitName) runtimeError('cannot write leadership settings: cannot write settings: not the leader');
      for (const [key, value] of settings) {
        if (value === '') delete app.leaderSettings[key];
        else setOwn(app.leaderSettings, key, value);
      }
    });
  },
};
