import { currentApplication } from './context.js';
import { checkEmpty, runtimeError, usageError } from './errors.js';
import { toolIO } from './io.js';
import type { ToolDefinition } from './tool.js';

export const tool: ToolDefinition = {
  name: 'resource-get',
  args: '<resource name>',
  purpose: 'Get the path to the locally cached resource file.',
  options: () => [],
  async run(context, parsed) {
    const [name, ...rest] = parsed.args;
    if (name === undefined) usageError('missing required resource name');
    checkEmpty(rest);
    const resources = currentApplication(context).resources;
    const path = Object.hasOwn(resources, name) ? resources[name] : undefined;
    if (path === undefined) runtimeError(`could not download resource: resource ${JSON.stringify(name)} not found`);
    // jujuc prints the path without a trailing newline.
    toolIO().stdout(path);
  },
};
