import { simulatedCloudSpec } from '../model/cloud.js';
import { currentApplication } from './context.js';
import { checkEmpty, runtimeError } from './errors.js';
import { outputOptions, writeOutput, type ToolDefinition } from './tool.js';

export const tool: ToolDefinition = {
  name: 'credential-get',
  args: '',
  purpose: 'Access cloud credentials.',
  options: () => outputOptions(),
  async run(context, parsed) {
    checkEmpty(parsed.args);
    // The controller answers only applications that were given `juju trust`; others get ErrPerm.
    if (currentApplication(context).trust !== true) runtimeError('cannot access cloud credentials: permission denied');
    await writeOutput(context, parsed, simulatedCloudSpec());
  },
};
