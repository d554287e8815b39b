import { updateReport } from '../actions/store.js';
import { addValueAt } from '../actions/values.js';
import { runtimeError, usageError } from './errors.js';
import type { ToolDefinition } from './tool.js';

/** The key rule of action-set: lowercase letters and digits, hyphens inside. */
const KEY_RULE = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
/** Keys Juju sets itself from the action's output. */
const RESERVED = ['stdout', 'stdout-encoding', 'stderr', 'stderr-encoding'];

export const tool: ToolDefinition = {
  name: 'action-set',
  args: '<key>=<value> [<key>.<key>....=<value> ...]',
  purpose: 'Set action results.',
  options: () => [],
  async run(context, parsed) {
    const pairs: Array<{ keys: string[]; value: string }> = [];
    for (const arg of parsed.args) {
      const eq = arg.indexOf('=');
      if (eq === -1) usageError(`argument ${JSON.stringify(arg)} must be of the form key...=value`);
      const keys = arg.slice(0, eq).split('.');
      for (const key of keys) {
        if (!KEY_RULE.test(key)) {
          usageError(`key ${JSON.stringify(key)} must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric, hyphens and periods`);
        }
        if (RESERVED.includes(key)) usageError(`cannot set reserved action key ${JSON.stringify(key)}`);
      }
      pairs.push({ keys, value: arg.slice(eq + 1) });
    }
    const action = context.hook.action ?? runtimeError('not running an action');
    // Reported when the action ends, whatever its exit code: kept outside the hook context.
    await updateReport(context.modelDir, action.id, (report) => {
      for (const { keys, value } of pairs) addValueAt(report.results, keys, value);
    });
  },
};
