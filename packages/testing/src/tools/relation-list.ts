import { relatedUnits, remoteApplication } from '../model/relations.js';
import { findRelation } from './context.js';
import { checkEmpty, runtimeError, usageError } from './errors.js';
import { boolOption, outputOptions, relationIdOption, selectedRelationId, writeOutput, type ToolDefinition } from './tool.js';

export const tool: ToolDefinition = {
  name: 'relation-list',
  args: '',
  purpose: 'List relation units.',
  options: (context) => [...outputOptions(), relationIdOption(context), boolOption('app')],
  async run(context, parsed) {
    const relationId = selectedRelationId(context, parsed);
    if (relationId === -1) usageError('no relation id specified');
    checkEmpty(parsed.args);
    const relation = findRelation(context, relationId) ?? runtimeError('relation not found');
    if (parsed.bool('app')) {
      await writeOutput(context, parsed, remoteApplication(relation, context.appName));
      return;
    }
    await writeOutput(context, parsed, relatedUnits(context.model, relation, context.unitName, context.appName));
  },
};
