import { isValidApplication, isValidUnit } from '../model/names.js';
import { remoteApplication } from '../model/relations.js';
import { applicationTag, unitTagOf } from '../secrets/access.js';
import { emptyPendingSecrets } from '../secrets/schema.js';
import { notLeader, ownedView, parseUriArg } from '../secrets/tool-support.js';
import { findRelation, isLeader, updateHookContext } from './context.js';
import { checkEmpty, usageError } from './errors.js';
import { relationIdOption, selectedRelationId, valueOption, type ToolDefinition } from './tool.js';

export const tool: ToolDefinition = {
  name: 'secret-revoke',
  args: '<ID>',
  purpose: 'Revoke access to a secret.',
  options: (context) => [relationIdOption(context), { names: ['app', 'application'], kind: 'value', key: 'app' }, valueOption('unit')],
  async run(context, parsed) {
    const [uri, ...rest] = parsed.args;
    if (uri === undefined) usageError('missing secret URI');
    const id = parseUriArg(uri);
    let app = parsed.string('app', '');
    const unit = parsed.string('unit', '');
    if (app !== '' && !isValidApplication(app)) usageError(`application ${JSON.stringify(app)} not valid`);
    if (unit !== '' && !isValidUnit(unit)) usageError(`unit ${JSON.stringify(unit)} not valid`);
    if (app !== '' && unit !== '') usageError('specify only one of application or unit');
    const relationId = selectedRelationId(context, parsed);
    if (relationId >= 0) {
      const relation = findRelation(context, relationId) ?? usageError('relation not found');
      if (app !== '') usageError('do not specify both relation and app');
      app = remoteApplication(relation, context.appName);
    }
    if (app === '' && unit === '') usageError('missing relation or application or unit');
    checkEmpty(rest);
    if (ownedView(context).get(id)?.ownerKind === 'application' && !isLeader(context)) notLeader();
    await updateHookContext(context, (hook) => {
      (hook.pending.secrets ??= emptyPendingSecrets()).revokes.push({ id, target: unit !== '' ? unitTagOf(unit) : applicationTag(app) });
    });
  },
};
