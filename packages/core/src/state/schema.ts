import * as v from 'valibot';
import { ContainerDefinitionSchema } from '../containers/schema.js';

/** Unit status states Juju accepts from a charm. */
export const WorkloadStateSchema = v.picklist(['active', 'waiting', 'maintenance', 'blocked']);
export type WorkloadState = v.InferOutput<typeof WorkloadStateSchema>;

export const StatusSlotSchema = v.object({
  name: v.string(),
  state: WorkloadStateSchema,
  message: v.string(),
});

/** The format of `state.json` this Lucky writes; a newer one is refused, not discarded. */
export const STATE_VERSION = 1;

/** The unit's persisted state (`state.json` in the data dir). */
export const StateSchema = v.object({
  version: v.literal(STATE_VERSION),
  /** Unit-local key/value store (DMN-42). */
  kv: v.record(v.string(), v.string()),
  /** Status slots in creation order (DMN-30/31): the order messages are joined in. */
  statuses: v.array(StatusSlotSchema),
  /** Charm config cache (DMN-45), refreshed from `config-get`. */
  config: v.record(v.string(), v.unknown()),
  /** Container definitions by name ('' = the default container), runtime-neutral. */
  containers: v.optional(v.record(v.string(), ContainerDefinitionSchema), {}),
  /** State owned by plugins, keyed by plugin name. */
  plugins: v.optional(v.record(v.string(), v.unknown()), {}),
});

export type UnitState = v.InferOutput<typeof StateSchema>;
export type StatusSlot = v.InferOutput<typeof StatusSlotSchema>;

export function emptyState(): UnitState {
  return { version: STATE_VERSION, kv: {}, statuses: [], config: {}, containers: {}, plugins: {} };
}
