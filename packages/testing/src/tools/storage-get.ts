import { isValidStorageId } from '../model/storage.js';
import type { ToolContext } from './context.js';
import { checkEmpty, runtimeError, usageError } from './errors.js';
import { outputOptions, ownValue, writeOutput, type ToolDefinition } from './tool.js';

/** The unit's attachment of a storage instance, or Juju's "not found" for it. */
function attachment(context: ToolContext, id: string) {
  const instance = Object.hasOwn(context.model.storage, id) ? context.model.storage[id] : undefined;
  if (instance?.unit !== context.unitName) throw new Error(`storage attachment ${id}:${context.unitName} not found`);
  return instance;
}

export const tool: ToolDefinition = {
  name: 'storage-get',
  args: '[<key>]',
  purpose: 'Print information for the storage instance with the specified ID.',
  options: (context) => [
    ...outputOptions(),
    {
      names: ['s'],
      kind: 'value',
      key: 'storage',
      parse: (raw) => {
        if (!isValidStorageId(raw)) throw new Error(`invalid storage ID ${JSON.stringify(raw)}`);
        attachment(context, raw);
        return raw;
      },
    },
  ],
  async run(context, parsed) {
    // -s defaults to the storage of the hook (storage hooks only).
    const id = parsed.string('storage', context.hook.storageId);
    if (id === '') usageError('no storage instance specified');
    const [key = '', ...rest] = parsed.args;
    checkEmpty(rest);
    let instance;
    try {
      instance = attachment(context, id);
    } catch (error) {
      runtimeError((error as Error).message);
    }
    const values = { kind: instance.kind, location: instance.location };
    if (key === '') {
      await writeOutput(context, parsed, values);
      return;
    }
    const value = ownValue<string>(values, key);
    if (value === null) runtimeError(`invalid storage attribute ${JSON.stringify(key)}`);
    await writeOutput(context, parsed, value);
  },
};
