import { storageNameOf, unitStorageIds } from '../model/storage.js';
import { checkEmpty } from './errors.js';
import { outputOptions, writeOutput, type ToolDefinition } from './tool.js';

export const tool: ToolDefinition = {
  name: 'storage-list',
  args: '[<storage-name>]',
  purpose: 'List storage attached to the unit.',
  options: () => outputOptions(),
  async run(context, parsed) {
    const [name = '', ...rest] = parsed.args;
    checkEmpty(rest);
    const ids = unitStorageIds(context.model, context.unitName).filter((id) => name === '' || storageNameOf(id) === name);
    await writeOutput(context, parsed, ids);
  },
};
