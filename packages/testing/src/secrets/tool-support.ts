/** What the secret-* hook tools share: their flags, the hook's pending secret changes, and what a unit sees of its own secrets. */
import { runtimeError, usageError } from '../tools/errors.js';
import type { OptionSpec, ParsedArgs } from '../tools/args.js';
import type { ToolContext } from '../tools/context.js';
import { modelNow } from '../runner/clock.js';
import { latestRevision, ownedSecrets, relationScope } from './access.js';
import { ContentError, contentFromArgs, contentFromFile, encodeContent } from './content.js';
import {
  emptyPendingSecrets,
  ROTATE_POLICIES,
  type PendingSecretChanges,
  type PendingSecretUpdate,
  type RotatePolicy,
  type SecretAccessState,
  type SecretMetadataEdit,
  type SecretOwnerKind,
} from './schema.js';
import { parseExpire } from './times.js';
import { parseSecretUri } from './xid.js';

/** `--format yaml|json` (yaml by default) and `-o`, for secret-get and secret-info-get. */
export function yamlJsonOutputOptions(): OptionSpec[] {
  return [
    {
      names: ['format'],
      kind: 'value',
      key: 'format',
      parse: (raw) => {
        if (raw !== 'yaml' && raw !== 'json') throw new Error(`unknown format ${JSON.stringify(raw)}`);
        return raw;
      },
    },
    { names: ['o', 'output'], kind: 'value', key: 'output' },
  ];
}

/** The flags of secret-add and secret-set (Juju's secretUpsertCommand). */
export function upsertOptions(): OptionSpec[] {
  return ['expire', 'rotate', 'description', 'label', 'file', 'owner'].map((name) => ({ names: [name], kind: 'value' as const, key: name }));
}

/** `secret:<xid>` (or a bare xid) as the tools' Init parses it; exit 2 otherwise. */
export function parseUriArg(text: string): string {
  return parseSecretUri(text) ?? usageError(`secret URI ${JSON.stringify(text)} not valid`);
}

export interface Upsert {
  owner: 'application' | 'unit';
  metadata: SecretMetadataEdit;
  /** Encoded content; null when no content was given. */
  content: Record<string, string> | null;
}

/** secretUpsertCommand.Init: the flags, then the content (all usage errors, exit 2). */
export async function parseUpsert(context: ToolContext, parsed: ParsedArgs, args: readonly string[]): Promise<Upsert> {
  const now = modelNow(context.model);
  let expireAt: string | null = null;
  const expire = parsed.string('expire', '');
  if (expire !== '') {
    const at = parseExpire(expire, now);
    if (typeof at === 'string') usageError(at);
    expireAt = at.toISOString();
  }
  const rotate = parsed.string('rotate', '');
  if (rotate !== '' && !(ROTATE_POLICIES as readonly string[]).includes(rotate)) usageError(`rotate policy ${JSON.stringify(rotate)} not valid`);
  const owner = parsed.string('owner', 'application');
  if (owner !== 'application' && owner !== 'unit') usageError(`secret owner ${JSON.stringify(owner)} not valid`);
  let content: Record<string, string> | null = null;
  const file = parsed.string('file', '');
  try {
    const raw = await contentFromArgs(args, context.cwd);
    if (file !== '') for (const [key, value] of await contentFromFile(file, context.cwd)) raw.set(key, value);
    if (raw.size > 0 || file !== '') content = encodeContent(raw);
  } catch (error) {
    if (error instanceof ContentError) usageError(error.message);
    throw error;
  }
  const text = (name: string): string | null => (parsed.string(name, '') === '' ? null : parsed.string(name, ''));
  return {
    owner,
    metadata: { label: text('label'), description: text('description'), rotatePolicy: rotate === '' ? null : (rotate as RotatePolicy), expireAt },
    content,
  };
}

export function pendingSecrets(context: ToolContext): PendingSecretChanges {
  return context.hook.pending.secrets ?? emptyPendingSecrets();
}

/** What secret-ids and secret-info-get show of one of the unit's secrets (Juju's SecretMetadata, pending changes included). */
export interface OwnedSecretView {
  ownerKind: SecretOwnerKind;
  label: string;
  description: string;
  rotatePolicy: RotatePolicy | '';
  latestRevision: number;
  expireAt: string | null;
  nextRotateAt: string | null;
  access: SecretAccessState[];
  /** Encoded content of the latest revision, pending content included (to skip a set that changes nothing). */
  latestContent: Record<string, string> | null;
}

/** HookContext.SecretMetadata: the unit's secrets (its application's too when it leads), as this hook left them so far. */
export function ownedView(context: ToolContext): Map<string, OwnedSecretView> {
  const pending = pendingSecrets(context);
  const view = new Map<string, OwnedSecretView>();
  for (const create of pending.creates) {
    view.set(create.id, {
      ownerKind: create.owner.kind,
      label: create.label ?? '',
      description: create.description ?? '',
      rotatePolicy: create.rotatePolicy ?? '',
      latestRevision: 1,
      expireAt: create.expireAt,
      nextRotateAt: null,
      access: [],
      latestContent: create.content,
    });
  }
  for (const [id, secret] of ownedSecrets(context.model, context.unitName)) {
    if (pending.removes.some((remove) => remove.id === id && remove.revision === null)) continue;
    const latest = secret.revisions.at(-1);
    view.set(id, {
      ownerKind: secret.owner.kind,
      label: secret.label,
      description: secret.description,
      rotatePolicy: secret.rotatePolicy,
      latestRevision: latestRevision(secret),
      expireAt: latest?.expireAt ?? null,
      nextRotateAt: secret.nextRotateAt,
      access: [...secret.access],
      latestContent: latest?.content ?? null,
    });
  }
  for (const update of pending.updates) {
    const entry = view.get(update.id);
    if (!entry) continue;
    if (update.label !== null) entry.label = update.label;
    if (update.description !== null) entry.description = update.description;
    if (update.rotatePolicy !== null) entry.rotatePolicy = update.rotatePolicy;
    if (update.expireAt !== null) entry.expireAt = update.expireAt;
    if (update.content !== null) entry.latestContent = update.content;
  }
  for (const grant of pending.grants) {
    const relation = context.model.relations[String(grant.relationId)];
    const scope = relation ? relationScope(context.model, relation) : '';
    view.get(grant.id)?.access.push({ target: grant.target, scope, role: 'view', relationId: grant.relationId });
  }
  return view;
}

/** Merges a secret-set into the hook's pending update of that secret (later flags win). */
export function mergeUpdate(pending: PendingSecretChanges, update: PendingSecretUpdate): void {
  const existing = pending.updates.find((entry) => entry.id === update.id);
  if (!existing) {
    pending.updates.push(update);
    return;
  }
  existing.label = update.label ?? existing.label;
  existing.description = update.description ?? existing.description;
  existing.rotatePolicy = update.rotatePolicy ?? existing.rotatePolicy;
  existing.expireAt = update.expireAt ?? existing.expireAt;
  existing.content = update.content ?? existing.content;
}

/** Juju's ErrIsNotLeader. */
export function notLeader(): never {
  return runtimeError('this unit is not the leader');
}
