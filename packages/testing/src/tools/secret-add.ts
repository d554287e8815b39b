import { newXid, secretUri } from '../secrets/xid.js';
import { modelNow } from '../runner/clock.js';
import { emptyPendingSecrets } from '../secrets/schema.js';
import { notLeader, parseUpsert, upsertOptions } from '../secrets/tool-support.js';
import { isLeader, updateHookContext } from './context.js';
import { runtimeError, usageError } from './errors.js';
import { toolIO } from './io.js';
import type { ToolDefinition } from './tool.js';

export const tool: ToolDefinition = {
  name: 'secret-add',
  args: '[key[#base64|#file]=value...]',
  purpose: 'Add a new secret.',
  options: () => upsertOptions(),
  async run(context, parsed) {
    if (parsed.args.length < 1 && parsed.string('file', '') === '') usageError('missing secret value or filename');
    const upsert = await parseUpsert(context, parsed, parsed.args);
    const owner = upsert.owner === 'unit' ? { kind: 'unit' as const, id: context.unitName } : { kind: 'application' as const, id: context.appName };
    if (owner.kind === 'application' && !isLeader(context)) notLeader();
    if (upsert.content === null || Object.keys(upsert.content).length === 0) runtimeError('empty secret value not valid');
    const id = newXid(modelNow(context.model));
    // Buffered: the secret exists once the hook commits; this hook already reads it back.
    await updateHookContext(context, (hook) => {
      const pending = (hook.pending.secrets ??= emptyPendingSecrets());
      pending.creates.push({ id, owner, content: upsert.content ?? {}, ...upsert.metadata });
    });
    toolIO().stdout(`${secretUri(id)}\n`);
  },
};
