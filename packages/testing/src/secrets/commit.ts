/**
 * Applying a hook's buffered secret changes when it commits (Juju's Flush →
 * CommitHookChanges), and the bookkeeping after a secret-rotate or secret-expired hook
 * (Juju's SecretsRotated and the expiry retry). The model refuses what the unit may not
 * do; the hook then fails and nothing of it is applied.
 */
import { CommitError } from '../model/commit.js';
import type { HookContextState, ModelState } from '../model/schema.js';
import { canManage, findSecret, isOwnerSide, latestRevision, relationScope } from './access.js';
import type { PendingSecretChanges, SecretState } from './schema.js';
import { nextRotateTime, RETRY_DELAY_MS } from './times.js';
import { secretUri } from './xid.js';

function managed(model: ModelState, unit: string, id: string): SecretState {
  const secret = findSecret(model, id);
  if (!secret) throw new CommitError(`secret ${JSON.stringify(secretUri(id))} not found`);
  if (!canManage(model, unit, secret)) throw new CommitError('permission denied');
  return secret;
}

function applyChanges(model: ModelState, unit: string, pending: PendingSecretChanges, now: Date): void {
  const at = now.toISOString();
  const secrets = (model.secrets ??= {});
  for (const create of pending.creates) {
    const label = create.label ?? '';
    if (
      label !== '' &&
      Object.values(secrets).some((secret) => secret.label === label && secret.owner.kind === create.owner.kind && secret.owner.id === create.owner.id)
    ) {
      throw new CommitError(`secret with label ${JSON.stringify(label)} already exists`);
    }
    const policy = create.rotatePolicy;
    secrets[create.id] = {
      owner: create.owner,
      label,
      description: create.description ?? '',
      rotatePolicy: policy ?? '',
      nextRotateAt: policy === null ? null : (nextRotateTime(policy, now, now)?.toISOString() ?? null),
      createdAt: at,
      updatedAt: at,
      revisions: [{ revision: 1, content: create.content, createdAt: at, expireAt: create.expireAt, expireTriggerAt: create.expireAt }],
      access: [],
      consumers: {},
    };
  }
  for (const update of pending.updates) {
    const secret = managed(model, unit, update.id);
    if (update.label !== null) secret.label = update.label;
    if (update.description !== null) secret.description = update.description;
    if (update.rotatePolicy !== null && update.rotatePolicy !== secret.rotatePolicy) {
      secret.rotatePolicy = update.rotatePolicy;
      secret.nextRotateAt = nextRotateTime(update.rotatePolicy, now, now)?.toISOString() ?? null;
    }
    if (update.content !== null) {
      const revision = latestRevision(secret) + 1;
      secret.revisions.push({ revision, content: update.content, createdAt: at, expireAt: update.expireAt, expireTriggerAt: update.expireAt });
    } else if (update.expireAt !== null) {
      const latest = secret.revisions.at(-1);
      if (latest) latest.expireAt = latest.expireTriggerAt = update.expireAt;
    }
    secret.updatedAt = at;
  }
  for (const id of pending.trackLatest) {
    const secret = findSecret(model, id);
    if (secret && !isOwnerSide(secret, unit)) secret.consumers[unit] = { revision: latestRevision(secret), label: secret.consumers[unit]?.label ?? '' };
  }
  for (const grant of pending.grants) {
    const secret = managed(model, unit, grant.id);
    const relation = model.relations[String(grant.relationId)];
    if (!relation) continue;
    if (secret.access.some((entry) => entry.target === grant.target && entry.relationId === grant.relationId)) continue;
    secret.access.push({ target: grant.target, scope: relationScope(model, relation), role: 'view', relationId: grant.relationId });
  }
  for (const revoke of pending.revokes) {
    const secret = managed(model, unit, revoke.id);
    // Revoking an application also ends the grants to its units.
    const app = revoke.target.startsWith('application-') ? revoke.target.slice('application-'.length) : null;
    secret.access = secret.access.filter(
      (entry) =>
        entry.target !== revoke.target && !(app !== null && entry.target.startsWith(`unit-${app}-`) && /^\d+$/.test(entry.target.slice(`unit-${app}-`.length))),
    );
  }
  for (const remove of pending.removes) {
    const secret = managed(model, unit, remove.id);
    if (remove.revision !== null) secret.revisions = secret.revisions.filter((entry) => entry.revision !== remove.revision);
    if (remove.revision === null || secret.revisions.length === 0) delete secrets[remove.id];
  }
}

/** After an owner's secret-rotate or secret-expired hook: when the hook fires next. */
function afterTriggerHook(model: ModelState, context: HookContextState, pending: PendingSecretChanges | undefined, now: Date): void {
  const hookSecret = context.secret;
  if (!hookSecret) return;
  const id = hookSecret.id.replace(/^secret:/, '');
  const secret = findSecret(model, id);
  if (!secret) return;
  if (context.hook === 'secret-rotate') {
    if (secret.rotatePolicy === '' || secret.rotatePolicy === 'never') return;
    const last = secret.nextRotateAt === null ? now : new Date(secret.nextRotateAt);
    const rotated = pending?.updates.some((update) => update.id === id && update.content !== null) ?? false;
    // Juju's SecretsRotated: the next interval once a new revision was made, else again in 5 minutes.
    const next = rotated ? nextRotateTime(secret.rotatePolicy, last, now) : new Date(last.getTime() + RETRY_DELAY_MS);
    secret.nextRotateAt = next?.toISOString() ?? null;
  } else if (context.hook === 'secret-expired') {
    // An expired revision the owner kept expires again 5 minutes later (Juju's ExpireRetryDelay).
    const revision = secret.revisions.find((entry) => entry.revision === hookSecret.revision);
    if (revision) revision.expireTriggerAt = new Date(now.getTime() + RETRY_DELAY_MS).toISOString();
  }
}

/** Applies the hook's secret changes to `model` (which the caller writes only if nothing threw). */
export function commitSecretChanges(model: ModelState, context: HookContextState, now: Date): void {
  const pending = context.pending.secrets;
  if (pending) applyChanges(model, context.unit, pending, now);
  afterTriggerHook(model, context, pending, now);
}
