import { updateReport } from '../actions/store.js';
import { runtimeError, usageError } from './errors.js';
import type { ToolDefinition } from './tool.js';

export const tool: ToolDefinition = {
  name: 'action-log',
  args: '<message>',
  purpose: 'Record a progress message for the current action.',
  options: () => [],
  async run(context, parsed) {
    if (parsed.args.length === 0) usageError('no message specified');
    const message = parsed.args.join(' ');
    const action = context.hook.action ?? runtimeError('not running an action');
    // Immediate: kept even when the action then fails.
    await updateReport(context.modelDir, action.id, (report) => {
      report.logs.push({ timestamp: new Date().toISOString(), message });
    });
  },
};
