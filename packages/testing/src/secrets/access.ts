/** Who owns, manages and reads a secret, as Juju's secrets manager decides it. */
import { unitApplication } from '../model/names.js';
import type { ModelState, RelationState } from '../model/schema.js';
import type { SecretState } from './schema.js';

export function modelSecrets(model: ModelState): Record<string, SecretState> {
  return model.secrets ?? {};
}

export function findSecret(model: ModelState, id: string): SecretState | undefined {
  const secrets = modelSecrets(model);
  return Object.hasOwn(secrets, id) ? secrets[id] : undefined;
}

export function latestRevision(secret: SecretState): number {
  return secret.revisions.at(-1)?.revision ?? 0;
}

export function isLeaderUnit(model: ModelState, unit: string): boolean {
  return model.applications[unitApplication(unit)]?.leader === unit;
}

/** The unit owns the secret, or its application does: it reads the latest revision, by id or owner label. */
export function isOwnerSide(secret: SecretState, unit: string): boolean {
  return (secret.owner.kind === 'unit' && secret.owner.id === unit) || (secret.owner.kind === 'application' && secret.owner.id === unitApplication(unit));
}

/** The unit may change the secret: its own, or its application's when it leads. */
export function canManage(model: ModelState, unit: string, secret: SecretState): boolean {
  if (secret.owner.kind === 'unit') return secret.owner.id === unit;
  return secret.owner.kind === 'application' && secret.owner.id === unitApplication(unit) && isLeaderUnit(model, unit);
}

/** The secrets whose metadata a unit sees (secret-ids, secret-info-get): its own, and its application's when it leads. */
export function ownedSecrets(model: ModelState, unit: string): Array<[string, SecretState]> {
  return Object.entries(modelSecrets(model)).filter(([, secret]) => canManage(model, unit, secret));
}

/** A grant counts while the relation it was made over exists. */
function grantLive(model: ModelState, relationId: number | null): boolean {
  return relationId === null || Object.hasOwn(model.relations, String(relationId));
}

/** `application-web` / `unit-web-0`, the targets of grants. */
export function applicationTag(app: string): string {
  return `application-${app}`;
}

export function unitTagOf(unit: string): string {
  return `unit-${unit.replace('/', '-')}`;
}

/** Juju's canRead: the owner side, or a grant to the unit or its application. */
export function canRead(model: ModelState, unit: string, secret: SecretState): boolean {
  if (isOwnerSide(secret, unit)) return true;
  const targets = new Set([applicationTag(unitApplication(unit)), unitTagOf(unit)]);
  return secret.access.some((grant) => targets.has(grant.target) && grantLive(model, grant.relationId));
}

/** The unit that gets the owner's hooks (secret-rotate, -expired, -remove): the owning unit, or the application's leader. */
export function ownerHookUnit(model: ModelState, secret: SecretState): string | null {
  if (secret.owner.kind === 'unit') return Object.hasOwn(model.units, secret.owner.id) ? secret.owner.id : null;
  if (secret.owner.kind === 'application') return model.applications[secret.owner.id]?.leader ?? null;
  return null;
}

/**
 * A relation's tag as Juju writes grant scopes: `relation-` and its key, the requirer's
 * endpoint first (`wordpress:db mysql:server` → `relation-wordpress.db#mysql.server`).
 */
export function relationScope(model: ModelState, relation: RelationState): string {
  const role = (app: string, endpoint: string): number => (model.applications[app]?.endpoints?.[endpoint]?.role === 'provides' ? 1 : 0);
  const endpoints = [...relation.endpoints].sort((a, b) => role(a.application, a.name) - role(b.application, b.name));
  const key = endpoints.map((endpoint) => `${endpoint.application}:${endpoint.name}`).join(' ');
  return `relation-${key.replaceAll(':', '.').replaceAll(' ', '#')}`;
}
