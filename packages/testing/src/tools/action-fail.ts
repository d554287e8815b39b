import { updateReport } from '../actions/store.js';
import { checkEmpty, runtimeError } from './errors.js';
import type { ToolDefinition } from './tool.js';

export const tool: ToolDefinition = {
  name: 'action-fail',
  args: '["<failure message>"]',
  purpose: 'Set action fail status with message.',
  options: () => [],
  async run(context, parsed) {
    const [given] = parsed.args;
    checkEmpty(parsed.args.slice(1));
    const message = given ?? 'action failed without reason given, check action for errors';
    const action = context.hook.action ?? runtimeError('not running an action');
    await updateReport(context.modelDir, action.id, (report) => {
      report.failed = true;
      report.message = message;
    });
  },
};
