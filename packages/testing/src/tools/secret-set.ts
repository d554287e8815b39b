import { sameContent } from '../secrets/content.js';
import { emptyPendingSecrets } from '../secrets/schema.js';
import { mergeUpdate, notLeader, ownedView, parseUpsert, parseUriArg, upsertOptions } from '../secrets/tool-support.js';
import { isLeader, updateHookContext } from './context.js';
import { usageError } from './errors.js';
import type { ToolDefinition } from './tool.js';

export const tool: ToolDefinition = {
  name: 'secret-set',
  args: '<ID> [key[#base64]=value...]',
  purpose: 'Update an existing secret.',
  options: () => upsertOptions(),
  async run(context, parsed) {
    const [uri, ...rest] = parsed.args;
    if (uri === undefined) usageError('missing secret URI');
    const id = parseUriArg(uri);
    const upsert = await parseUpsert(context, parsed, rest);
    // HookContext.UpdateSecret: leadership is checked for the secrets the unit knows; the
    // model checks the rest when the hook commits (not found, permission denied).
    const known = ownedView(context).get(id);
    if (known?.ownerKind === 'application' && !isLeader(context)) notLeader();
    let content = upsert.content !== null && Object.keys(upsert.content).length > 0 ? upsert.content : null;
    if (content !== null && known?.latestContent && sameContent(content, known.latestContent)) content = null;
    const { label, description, rotatePolicy, expireAt } = upsert.metadata;
    if (label === null && description === null && rotatePolicy === null && expireAt === null && content === null) return;
    await updateHookContext(context, (hook) => {
      mergeUpdate((hook.pending.secrets ??= emptyPendingSecrets()), { id, ...upsert.metadata, content });
    });
  },
};
