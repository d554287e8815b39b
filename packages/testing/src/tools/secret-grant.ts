import { isValidUnit, unitApplication } from '../model/names.js';
import { remoteApplication } from '../model/relations.js';
import { applicationTag, unitTagOf } from '../secrets/access.js';
import { emptyPendingSecrets } from '../secrets/schema.js';
import { notLeader, ownedView, parseUriArg } from '../secrets/tool-support.js';
import { findRelation, isLeader, updateHookContext } from './context.js';
import { checkEmpty, runtimeError, usageError } from './errors.js';
import { relationIdOption, selectedRelationId, valueOption, type ToolDefinition } from './tool.js';

export const tool: ToolDefinition = {
  name: 'secret-grant',
  args: '<ID>',
  purpose: 'Grant access to a secret.',
  options: (context) => [relationIdOption(context), valueOption('unit')],
  async run(context, parsed) {
    const [uri, ...rest] = parsed.args;
    if (uri === undefined) usageError('missing secret URI');
    const id = parseUriArg(uri);
    const relationId = selectedRelationId(context, parsed);
    if (relationId === -1) usageError('no relation id specified');
    const relation = findRelation(context, relationId) ?? usageError('relation not found');
    const app = remoteApplication(relation, context.appName);
    const unit = parsed.string('unit', '');
    if (unit !== '') {
      if (!isValidUnit(unit)) usageError(`unit ${JSON.stringify(unit)} not valid`);
      if (unitApplication(unit) !== app) usageError(`cannot specify unit ${JSON.stringify(unit)} in relation to application ${JSON.stringify(app)}`);
    }
    checkEmpty(rest);
    const view = ownedView(context).get(id) ?? runtimeError(`secret ${JSON.stringify(id)} not found`);
    if (view.ownerKind === 'application' && !isLeader(context)) notLeader();
    const target = unit !== '' ? unitTagOf(unit) : applicationTag(app);
    for (const grant of view.access) {
      if (grant.relationId !== relationId) continue;
      // Already granted, or granted to the whole application: nothing to do.
      if (grant.target === target || grant.target.startsWith('application-')) return;
      if (unit === '') runtimeError('any unit level grants need to be revoked before granting access to the corresponding application');
    }
    await updateHookContext(context, (hook) => {
      (hook.pending.secrets ??= emptyPendingSecrets()).grants.push({ id, target, relationId });
    });
  },
};
