import { parseStorageAdditions } from '../model/storage.js';
import type { StorageAddition } from '../model/schema.js';
import { updateHookContext } from './context.js';
import { usageError } from './errors.js';
import type { ToolDefinition } from './tool.js';

export const tool: ToolDefinition = {
  name: 'storage-add',
  args: '<charm storage name>[=count] ...',
  purpose: 'Add storage instances.',
  options: () => [],
  async run(context, parsed) {
    let additions: StorageAddition[];
    try {
      additions = parseStorageAdditions(parsed.args);
    } catch (error) {
      usageError((error as Error).message);
    }
    // Buffered: the model checks and creates the storage when the hook's changes are committed.
    await updateHookContext(context, (hook) => {
      hook.pending.addStorage.push(...additions);
    });
  },
};
