/**
 * Secrets as the simulated model stores them (model.json `secrets`, keyed by the
 * secret's 20-character xid), the secret a secret hook is about, and the secret
 * changes a hook buffers until it commits (Juju's `secretChanges`).
 */

export type SecretOwnerKind = 'application' | 'unit' | 'model';

/** `secret-add --rotate`: how often the owner is asked to rotate. */
export const ROTATE_POLICIES = ['never', 'hourly', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly'] as const;
export type RotatePolicy = (typeof ROTATE_POLICIES)[number];

export interface SecretRevisionState {
  revision: number;
  /** Key → value, base64-encoded as Juju stores it (what `key#base64` reads back). */
  content: Record<string, string>;
  createdAt: string;
  /** `--expire`: when this revision expires; null for never. */
  expireAt: string | null;
  /** When secret-expired fires next: expireAt, then 5 minutes after each run while the revision is kept (Juju's ExpireRetryDelay). */
  expireTriggerAt: string | null;
}

/** A grant (`secret-grant`, `juju grant-secret`), as secret-info-get lists it. */
export interface SecretAccessState {
  /** `application-<app>` or `unit-<app>-<n>`. */
  target: string;
  /** `relation-<key>` for grants made over a relation (gone with it), `model-<uuid>` for user secrets. */
  scope: string;
  role: 'view';
  /** The relation the grant was made over; null for user-secret grants. */
  relationId: number | null;
}

/** What a consuming unit tracks: the revision `secret-get` returns it, and its own label for the secret. */
export interface SecretConsumerState {
  revision: number;
  label: string;
}

export interface SecretState {
  owner: { kind: SecretOwnerKind; id: string };
  /** The owner's label; for user secrets, the secret's name. '' when none. */
  label: string;
  description: string;
  /** '' when no policy was given. */
  rotatePolicy: RotatePolicy | '';
  /** When secret-rotate fires next; null when the secret does not rotate. */
  nextRotateAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** Kept revisions, oldest first; the latest is the last. */
  revisions: SecretRevisionState[];
  access: SecretAccessState[];
  /** Unit → its tracked revision and label (units that read the secret without owning it). */
  consumers: Record<string, SecretConsumerState>;
}

/** The secret of a secret hook: JUJU_SECRET_ID (`secret:<xid>`), JUJU_SECRET_LABEL, JUJU_SECRET_REVISION (0: unset). */
export interface HookSecret {
  id: string;
  label: string;
  revision: number;
}

/** Metadata given to secret-add or secret-set; null means "not given". */
export interface SecretMetadataEdit {
  label: string | null;
  description: string | null;
  rotatePolicy: RotatePolicy | null;
  expireAt: string | null;
}

export interface PendingSecretCreate extends SecretMetadataEdit {
  id: string;
  owner: { kind: 'application' | 'unit'; id: string };
  content: Record<string, string>;
}

export interface PendingSecretUpdate extends SecretMetadataEdit {
  id: string;
  /** New content (a new revision); null for a metadata-only update. */
  content: Record<string, string> | null;
}

export interface PendingSecretGrant {
  id: string;
  target: string;
  relationId: number;
}

export interface PendingSecretChanges {
  creates: PendingSecretCreate[];
  /** One per secret: later secret-set calls in the hook merge into it, as Juju's pendingUpdates map does. */
  updates: PendingSecretUpdate[];
  /** `secret-remove`; revision null: the whole secret. */
  removes: Array<{ id: string; revision: number | null }>;
  grants: PendingSecretGrant[];
  /** Targets whose grants go (`application-x` or `unit-x-0`). */
  revokes: Array<{ id: string; target: string }>;
  /** Secrets whose latest revision this unit tracks once the hook commits (`secret-get --refresh` of a pending update). */
  trackLatest: string[];
}

export function emptyPendingSecrets(): PendingSecretChanges {
  return { creates: [], updates: [], removes: [], grants: [], revokes: [], trackLatest: [] };
}
