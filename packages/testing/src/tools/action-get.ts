import type { GoValue } from './format.js';
import { checkEmpty, runtimeError } from './errors.js';
import { outputOptions, writeOutput, type ToolDefinition } from './tool.js';

/** recurseMapOnKeys: the value at a dotted path, or null when a key is missing or a step is not a map. */
function valueAt(params: Readonly<Record<string, unknown>>, keys: readonly string[]): unknown {
  let value: unknown = params;
  for (const key of keys) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, key)) return null;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

export const tool: ToolDefinition = {
  name: 'action-get',
  args: '[<key>[.<key>.<key>...]]',
  purpose: 'Get action parameters.',
  options: () => outputOptions(),
  async run(context, parsed) {
    const [key] = parsed.args;
    checkEmpty(parsed.args.slice(1));
    const action = context.hook.action ?? runtimeError('not running an action');
    // Without a key: every param (with the schema defaults), `{}` rather than nothing when there are none.
    const answer = key === undefined ? action.params : valueAt(action.params, key.split('.'));
    await writeOutput(context, parsed, (answer ?? null) as GoValue);
  },
};
