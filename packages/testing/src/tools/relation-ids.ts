import { localEndpoint, relationKey, relationsOf } from '../model/relations.js';
import { participates } from '../model/scope.js';
import { hookRelation } from './context.js';
import { checkEmpty, usageError } from './errors.js';
import { outputOptions, writeOutput, type ToolDefinition } from './tool.js';

export const tool: ToolDefinition = {
  name: 'relation-ids',
  args: '[<name>]',
  purpose: 'List all relation IDs for the given endpoint.',
  options: () => outputOptions(),
  async run(context, parsed) {
    const args = [...parsed.args];
    const current = hookRelation(context);
    let name = current ? (localEndpoint(current, context.appName)?.name ?? '') : '';
    if (args.length > 0) name = args.shift() ?? '';
    else if (name === '') usageError('no endpoint name specified');
    checkEmpty(args);
    const ids = relationsOf(context.model, context.appName)
      .filter((relation) => localEndpoint(relation, context.appName)?.name === name && participates(context.model, relation, context.unitName))
      .map((relation) => relationKey(relation, context.appName))
      .sort();
    await writeOutput(context, parsed, ids);
  },
};
