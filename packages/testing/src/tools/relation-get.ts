import { isValidApplication, isValidUnit, unitApplication } from '../model/names.js';
import { applyEdit } from '../model/relations.js';
import { findRelation, isLeader } from './context.js';
import { checkEmpty, runtimeError, usageError } from './errors.js';
import { boolOption, outputOptions, ownValue, relationIdOption, selectedRelationId, writeOutput, type ToolDefinition } from './tool.js';

export const tool: ToolDefinition = {
  name: 'relation-get',
  args: '[<key> [<unit id>]]',
  purpose: 'Get relation settings.',
  options: (context) => [...outputOptions(), relationIdOption(context), boolOption('app')],
  async run(context, parsed) {
    const relationId = selectedRelationId(context, parsed);
    if (relationId === -1) usageError('no relation id specified');
    const args = [...parsed.args];
    let key = args.shift() ?? '';
    if (key === '-') key = '';
    let app = parsed.bool('app');

    // Target: an explicit unit (or app with --app), else the hook's remote unit, else
    // its remote application (which implies --app).
    let target: string;
    const supplied = args.shift();
    if (supplied !== undefined) {
      if (app) {
        target = isValidApplication(supplied) ? supplied : isValidUnit(supplied) ? unitApplication(supplied) : '';
      } else {
        if (!isValidUnit(supplied)) {
          if (isValidApplication(supplied)) usageError(`expected unit name, got application name ${JSON.stringify(supplied)}`);
          usageError(`invalid unit name ${JSON.stringify(supplied)}`);
        }
        target = supplied;
      }
    } else if (app) {
      if (context.hook.remoteApp === '') usageError('no unit or application specified');
      target = context.hook.remoteApp;
    } else if (context.hook.remoteUnit !== '') {
      target = context.hook.remoteUnit;
    } else if (context.hook.remoteApp !== '') {
      target = context.hook.remoteApp;
      app = true;
    } else {
      usageError('no unit or application specified');
    }
    checkEmpty(args);

    const relation = findRelation(context, relationId) ?? runtimeError('relation not found');
    const pending = context.hook.pending.relations[String(relationId)];
    let settings: Record<string, string>;
    if (target === context.unitName) {
      // Own bags are read from the hook context, so pending relation-set edits show.
      settings = applyEdit(relation.unitData[context.unitName], pending?.unit);
    } else if (target === context.appName && isLeader(context)) {
      settings = applyEdit(relation.appData[context.appName], pending?.app);
    } else if (app) {
      // Read from the controller: only related applications' bags, never our own as a minion.
      const related = relation.endpoints.some((endpoint) => endpoint.application === target);
      // A peer relation's application bag is readable by every unit of the application (ops: "peer relation data is always publicly readable").
      const peer = relation.endpoints.every((endpoint) => endpoint.application === context.appName);
      if (!related || (target === context.appName && !peer)) runtimeError('permission denied');
      settings = { ...relation.appData[target] };
    } else {
      const related = relation.endpoints.some((endpoint) => endpoint.application === unitApplication(target));
      if (!related || !context.model.units[target]) runtimeError(`unknown unit ${target}`);
      settings = { ...relation.unitData[target] };
    }
    await writeOutput(context, parsed, key === '' ? settings : ownValue(settings, key));
  },
};
