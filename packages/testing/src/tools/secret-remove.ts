import { emptyPendingSecrets } from '../secrets/schema.js';
import { notLeader, ownedView, parseUriArg } from '../secrets/tool-support.js';
import { isLeader, updateHookContext } from './context.js';
import { checkEmpty, usageError } from './errors.js';
import type { ToolDefinition } from './tool.js';

export const tool: ToolDefinition = {
  name: 'secret-remove',
  args: '<ID>',
  purpose: 'Remove a existing secret.',
  options: () => [
    {
      names: ['revision'],
      kind: 'value',
      key: 'revision',
      parse: (raw) => {
        if (!/^[-+]?\d+$/.test(raw)) throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(raw)}: invalid syntax`);
        return Number(raw);
      },
    },
  ],
  async run(context, parsed) {
    const [uri, ...rest] = parsed.args;
    if (uri === undefined) usageError('missing secret URI');
    const id = parseUriArg(uri);
    checkEmpty(rest);
    const revision = parsed.value<number>('revision', 0);
    const known = ownedView(context).get(id);
    if (known?.ownerKind === 'application' && !isLeader(context)) notLeader();
    // Buffered until the hook commits; the model checks ownership then.
    await updateHookContext(context, (hook) => {
      (hook.pending.secrets ??= emptyPendingSecrets()).removes.push({ id, revision: revision > 0 ? revision : null });
    });
  },
};
