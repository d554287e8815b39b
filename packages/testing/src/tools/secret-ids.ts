import { ownedView } from '../secrets/tool-support.js';
import { checkEmpty } from './errors.js';
import { outputOptions, writeOutput, type ToolDefinition } from './tool.js';

export const tool: ToolDefinition = {
  name: 'secret-ids',
  args: '',
  purpose: 'Print secret IDs.',
  options: () => outputOptions(),
  async run(context, parsed) {
    checkEmpty(parsed.args);
    // Juju prints its map's keys in Go's random order; sorted here so runs repeat. nil (null) when there are none.
    const ids = [...ownedView(context).keys()].sort();
    await writeOutput(context, parsed, ids.length > 0 ? ids : null);
  },
};
