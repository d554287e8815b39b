/**
 * The simulated model as stored on disk. Tool processes read these files without
 * validation (speed); the host API validates `model.json` with valibot when it opens
 * a model (see `validate.ts`).
 *
 * Layout of a model directory:
 *   model.json               ModelState (committed state)
 *   contexts/<id>.json       HookContextState of each running hook, keyed by context id
 *   logs/unit-<a>-<n>.jsonl  juju-log lines of a unit, one LogEntry per line
 *   hook-log.jsonl           one HookRun per line
 *   tools/<tool-name>        generated hook-tool executables
 *   machines/<id>/…          filesystem storage, where Juju would mount it on machine <id>
 *   model.lock               held during every read-modify-write
 */

import type { HookSecret, PendingSecretChanges, SecretState } from '../secrets/schema.js';
import type { ActionContextState } from '../actions/schema.js';

export const MODEL_FORMAT = 1;

export type ConfigOptionType = 'string' | 'int' | 'float' | 'boolean' | 'secret';
export type ConfigValue = string | number | boolean;

export interface ConfigOption {
  type: ConfigOptionType;
  default?: ConfigValue;
  description?: string;
}

export interface StatusEntry {
  status: string;
  message: string;
}

/** An endpoint declared in the charm's metadata. */
export interface EndpointInfo {
  role: 'provides' | 'requires' | 'peers';
  interface: string;
  /** `scope: container` in the metadata (a relation to a principal for a subordinate); absent for Juju's default, global. */
  scope?: 'container';
}

export type StorageKind = 'filesystem' | 'block';

/** A store declared in the charm's metadata (`storage:`), as Juju's charm.Storage. */
export interface StorageDefinition {
  type: StorageKind;
  /** `location`; '' when the charm gives none. */
  location: string;
  /** `multiple.range`: units get countMin instances at deploy and may have up to countMax (-1: no maximum). 1 and 1 without `multiple`. */
  countMin: number;
  countMax: number;
  /** `minimum-size` in MiB; 0 when none. */
  minimumSize: number;
  readOnly: boolean;
}

/** A storage instance (`data/3`) and its attachment to a unit. */
export interface StorageInstanceState {
  /** The store it belongs to: `data` for `data/3`. */
  name: string;
  kind: StorageKind;
  /** filesystem: a real directory under the model dir; block: a device path such as `/dev/loop0` (nothing is created). */
  location: string;
  unit: string;
}

export interface ApplicationState {
  charmDir: string;
  /** Endpoints from metadata.yaml/charmcraft.yaml; null when the charm declares none. */
  endpoints: Record<string, EndpointInfo> | null;
  extraBindings: string[];
  /** Stores from the metadata's `storage:`. */
  storage: Record<string, StorageDefinition>;
  configOptions: Record<string, ConfigOption>;
  /** Values set explicitly (`juju config`); defaults live in `configOptions`. */
  config: Record<string, ConfigValue>;
  /** Resource name → absolute file path returned by `resource-get`. */
  resources: Record<string, string>;
  leader: string | null;
  leaderSettings: Record<string, string>;
  /** `juju trust`: the charm may read the cloud credential (`credential-get`). */
  trust?: boolean;
  /** `subordinate: true` in the metadata: deployed without units, a unit per principal unit joins over a container-scoped relation. */
  subordinate?: true;
  status: StatusEntry;
  /** When `status` was set (ISO 8601). Absent in models saved before it was recorded. */
  statusSince?: string;
  statusHistory: StatusEntry[];
  nextUnit: number;
  /** Kubernetes (sidecar) charms only: the workload containers of the metadata's `containers:`. Absent for machine charms. */
  containers?: Record<string, WorkloadContainerState>;
}

/** A workload container of a Kubernetes charm, with the image its `oci-image` resource was deployed with. */
export interface WorkloadContainerState {
  resource: string;
  image: string;
  /** Stores mounted into the container, at `location` inside it. */
  mounts: Array<{ storage: string; location: string }>;
}

export interface UnitState {
  application: string;
  machineId: string;
  privateAddress: string;
  publicAddress: string;
  status: StatusEntry;
  /** When `status` was set (ISO 8601), goal-state's `since`. Absent in models saved before it was recorded. */
  statusSince?: string;
  statusHistory: StatusEntry[];
  workloadVersion: string;
  /** When `workloadVersion` was set (ISO 8601): `juju status` shows the most recently set version of the units. */
  workloadVersionSince?: string;
  /** `dying` from `juju remove-unit` until the unit is gone (goal-state shows it); absent while alive. */
  life?: 'dying';
  /** A subordinate unit: its principal unit (`web/0`), as Juju's unit doc keeps it; absent for a principal. `lucky sim status` nests it there. */
  principal?: string;
  /** Juju's GroupedPortRanges: endpoint name ('' = all endpoints) → port ranges ("80/tcp"). */
  openedPorts: Record<string, string[]>;
}

export interface RelationEndpoint {
  application: string;
  name: string;
}

export interface RelationState {
  id: number;
  /** Two endpoints, or one for a peer relation. */
  endpoints: RelationEndpoint[];
  /** Units that have entered the relation's scope (what `relation-list` reports). */
  joined: string[];
  appData: Record<string, Record<string, string>>;
  unitData: Record<string, Record<string, string>>;
  /** When the relation was created (ISO 8601), the `since` of its goal-state status. */
  since?: string;
}

export interface ModelState {
  format: typeof MODEL_FORMAT;
  name: string;
  uuid: string;
  /** `storage`: Juju's model-wide "stores" sequence, shared by every store name (data/0, cache/1, cache/2…). */
  counters: { relation: number; machine: number; address: number; storage: number };
  applications: Record<string, ApplicationState>;
  units: Record<string, UnitState>;
  /** Keyed by the decimal relation id. */
  relations: Record<string, RelationState>;
  /** Storage instances attached to units, keyed by id (`data/0`). */
  storage: Record<string, StorageInstanceState>;
  /**
   * The model clock (ISO 8601 instant): real time when the model was created, moved only by
   * `lucky sim advance`. Read it with `modelNow` (runner/clock.ts); absent in models made before it existed.
   */
  clock?: string;
  /** Charm and user secrets, keyed by their 20-character xid; absent until the first one. */
  secrets?: Record<string, SecretState>;
}

/** A relation bag edit: a value sets the key, null deletes it. */
export type SettingsEdit = Record<string, string | null>;

/** One `storage-add <name>=<count>` directive. */
export interface StorageAddition {
  name: string;
  count: number;
}

export interface PendingChanges {
  /** Keyed by the decimal relation id. */
  relations: Record<string, { unit: SettingsEdit; app: SettingsEdit }>;
  openPorts: Record<string, string[]>;
  closePorts: Record<string, string[]>;
  /** `storage-add` directives, in call order. */
  addStorage: StorageAddition[];
  /** `secret-add/set/remove/grant/revoke`; absent until the hook's first. */
  secrets?: PendingSecretChanges;
}

/** A running hook: the transactional changes buffered until the hook ends. */
export interface HookContextState {
  id: string;
  unit: string;
  hook: string;
  relationId: number | null;
  remoteUnit: string;
  remoteApp: string;
  departingUnit: string;
  /** Storage hooks (`<name>-storage-*`): the instance, e.g. `data/0`; '' otherwise. */
  storageId: string;
  /** `<c>-pebble-custom-notice`: the Pebble notice (JUJU_NOTICE_ID, JUJU_NOTICE_TYPE, JUJU_NOTICE_KEY). */
  notice?: { id: string; type: string; key: string };
  /** `<c>-pebble-check-failed`/`-recovered`: the check (JUJU_PEBBLE_CHECK_NAME). */
  checkName?: string;
  /** `secret-changed`/`-rotate`/`-expired`/`-remove`: the secret (JUJU_SECRET_ID, _LABEL, _REVISION). */
  secret?: HookSecret;
  /** The hook's process (`dispatch`), which `juju-reboot --now` kills; absent when no process runs (openContext). */
  hookPid?: number;
  /** `juju-reboot` was called: reboot after the hook (if it succeeds), or now (the hook is killed and runs again). */
  reboot?: 'after-hook' | 'now';
  /** An action (`actions/<name>`): its name, id and params; `hook` is then the action's name. */
  action?: ActionContextState;
  /** Process that opened the context; a context whose owner died is stale. */
  ownerPid: number;
  createdAt: string;
  pending: PendingChanges;
}

export interface LogEntry {
  level: string;
  message: string;
}

export interface HookRun {
  unit: string;
  hook: string;
  contextId: string;
  /** `dispatch`, `hooks/<name>`, or null when the charm has no handler (hook skipped). */
  handler: string | null;
  env: Record<string, string>;
  stdout: string;
  stderr: string;
  exitCode: number;
  committed: boolean;
  startedAt: string;
  durationMs: number;
}
