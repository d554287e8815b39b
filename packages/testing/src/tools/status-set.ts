import { updateModel } from '../model/store.js';
import { checkEmpty, runtimeError, usageError } from './errors.js';
import { boolOption, type ToolDefinition } from './tool.js';

const VALID = ['maintenance', 'blocked', 'waiting', 'active'];

export const tool: ToolDefinition = {
  name: 'status-set',
  args: '<maintenance | blocked | waiting | active> [message]',
  purpose: 'Set status information.',
  options: () => [boolOption('application')],
  async run(context, parsed) {
    const [status, message = '', ...rest] = parsed.args;
    if (status === undefined) usageError('invalid args, require <status> [message]');
    if (!VALID.includes(status)) usageError(`invalid status ${JSON.stringify(status)}, expected one of [${VALID.join(' ')}]`);
    checkEmpty(rest);
    const entry = { status, message };
    const since = new Date().toISOString();
    // Immediate: status survives a failing hook.
    await updateModel(context.modelDir, (model) => {
      if (parsed.bool('application')) {
        const app = model.applications[context.appName];
        if (!app || app.leader !== context.unitName) runtimeError('this unit is not the leader');
        app.status = entry;
        app.statusSince = since;
        app.statusHistory.push(entry);
        return;
      }
      const unit = model.units[context.unitName];
      if (!unit) runtimeError(`unit ${JSON.stringify(context.unitName)} not found`);
      unit.status = entry;
      unit.statusSince = since;
      unit.statusHistory.push(entry);
    });
  },
};
