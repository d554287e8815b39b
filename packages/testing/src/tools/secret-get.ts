import { updateModel } from '../model/store.js';
import { canManage, canRead, findSecret, isOwnerSide, latestRevision, modelSecrets } from '../secrets/access.js';
import { decodeContent } from '../secrets/content.js';
import { emptyPendingSecrets } from '../secrets/schema.js';
import { parseUriArg, pendingSecrets, yamlJsonOutputOptions } from '../secrets/tool-support.js';
import { secretUri } from '../secrets/xid.js';
import { updateHookContext, type ToolContext } from './context.js';
import { checkEmpty, runtimeError, usageError } from './errors.js';
import { boolOption, valueOption, writeOutput, type ToolDefinition } from './tool.js';

/**
 * The content a secret-get reads, as Juju's HookContext.GetSecret and the secrets
 * manager's getSecretContent find it: this hook's own pending secrets first, then the
 * owner side (the unit's or its application's secret: always the latest revision),
 * then the consumer side (the revision the unit tracks; --refresh moves it to the
 * latest, --peek reads the latest once). Consumer tracking and labels are saved at
 * once, as Juju's API call saves them.
 */
async function getContent(context: ToolContext, id: string | null, label: string, refresh: boolean, peek: boolean): Promise<Record<string, string>> {
  const pending = pendingSecrets(context);
  const create = pending.creates.find((entry) => (id !== null && entry.id === id) || (label !== '' && entry.label === label));
  if (create) {
    if (id !== null && label !== '' && create.id === id) {
      await updateHookContext(context, (hook) => {
        const entry = hook.pending.secrets?.creates.find((candidate) => candidate.id === id);
        if (entry) entry.label = label;
      });
    }
    return create.content;
  }
  if (refresh || peek) {
    const update = pending.updates.find((entry) => (id !== null && entry.id === id) || (label !== '' && entry.label === label));
    if (update?.content) {
      await updateHookContext(context, (hook) => {
        const secrets = (hook.pending.secrets ??= emptyPendingSecrets());
        const entry = secrets.updates.find((candidate) => candidate.id === update.id);
        if (entry && id !== null && label !== '') entry.label = label;
        if (refresh && !secrets.trackLatest.includes(update.id)) secrets.trackLatest.push(update.id);
      });
      return update.content;
    }
  }
  const unit = context.unitName;
  return updateModel(context.modelDir, (model) => {
    // The owner side: the unit's own secrets and its application's, by id or owner label.
    const owned = Object.entries(modelSecrets(model)).find(([key, secret]) => isOwnerSide(secret, unit) && (id !== null ? key === id : secret.label === label));
    if (owned) {
      const [, secret] = owned;
      if (id !== null && label !== '' && canManage(model, unit, secret)) secret.label = label;
      return secret.revisions.at(-1)?.content ?? {};
    }
    let wanted = id;
    if (wanted === null) {
      wanted = Object.entries(modelSecrets(model)).find(([, secret]) => secret.consumers[unit]?.label === label)?.[0] ?? null;
      if (wanted === null) runtimeError(`consumer label ${JSON.stringify(label)} not found`);
    }
    const secret = findSecret(model, wanted) ?? runtimeError(`secret ${JSON.stringify(secretUri(wanted))} not found`);
    if (!canRead(model, unit, secret)) runtimeError('permission denied');
    const consumer = Object.hasOwn(secret.consumers, unit) ? secret.consumers[unit] : undefined;
    const track = refresh || consumer === undefined;
    let revision = consumer?.revision ?? 0;
    if (track || peek) revision = latestRevision(secret);
    if (track || (id !== null && label !== '')) {
      secret.consumers[unit] = { revision: track ? latestRevision(secret) : (consumer?.revision ?? 0), label: label !== '' ? label : (consumer?.label ?? '') };
    }
    const found = secret.revisions.find((entry) => entry.revision === revision);
    if (!found) runtimeError(`secret revision ${revision} for ${JSON.stringify(secretUri(wanted))} not found`);
    return found.content;
  });
}

export const tool: ToolDefinition = {
  name: 'secret-get',
  args: '<ID> [key[#base64]]',
  purpose: 'Get the content of a secret.',
  options: () => [...yamlJsonOutputOptions(), valueOption('label'), boolOption('peek'), boolOption('refresh')],
  async run(context, parsed) {
    const args = [...parsed.args];
    const id = args.length > 0 ? parseUriArg(args.shift() ?? '') : null;
    const label = parsed.string('label', '');
    if (id === null && label === '') usageError('require either a secret URI or label');
    if (parsed.bool('peek') && parsed.bool('refresh')) usageError('specify one of --peek or --refresh but not both');
    const key = args.shift();
    checkEmpty(args);
    const content = await getContent(context, id, label, parsed.bool('refresh'), parsed.bool('peek'));
    if (key === undefined) {
      await writeOutput(context, parsed, decodeContent(content), 'yaml');
      return;
    }
    const base64 = key.endsWith('#base64');
    const name = base64 ? key.slice(0, -'#base64'.length) : key;
    if (!Object.hasOwn(content, name)) runtimeError(`secret key value ${JSON.stringify(name)} not found`);
    const value = content[name] ?? '';
    await writeOutput(context, parsed, base64 ? value : Buffer.from(value, 'base64').toString('utf8'), 'yaml');
  },
};
