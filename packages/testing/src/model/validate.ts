import * as v from 'valibot';
import { MODEL_FORMAT, type ModelState } from './schema.js';
import { SecretsSchema } from '../secrets/validate.js';

/** Host-side check of model.json; tool processes trust the file for speed. */

const StringMap = v.record(v.string(), v.string());
const Status = v.object({ status: v.string(), message: v.string() });
const ConfigValue = v.union([v.string(), v.number(), v.boolean()]);

const StorageKind = v.picklist(['filesystem', 'block']);
const Integer = v.pipe(v.number(), v.integer());

const StorageDefinitionSchema = v.object({
  type: StorageKind,
  location: v.string(),
  countMin: v.pipe(Integer, v.minValue(0)),
  countMax: v.pipe(Integer, v.minValue(-1)),
  minimumSize: v.pipe(v.number(), v.minValue(0)),
  readOnly: v.boolean(),
});

const StorageInstanceSchema = v.object({
  name: v.string(),
  kind: StorageKind,
  location: v.string(),
  unit: v.string(),
});

const ApplicationSchema = v.object({
  charmDir: v.string(),
  endpoints: v.nullable(
    v.record(
      v.string(),
      v.object({ role: v.picklist(['provides', 'requires', 'peers']), interface: v.string(), scope: v.exactOptional(v.literal('container')) }),
    ),
  ),
  extraBindings: v.array(v.string()),
  storage: v.record(v.string(), StorageDefinitionSchema),
  configOptions: v.record(
    v.string(),
    v.object({
      type: v.picklist(['string', 'int', 'float', 'boolean', 'secret']),
      default: v.exactOptional(ConfigValue),
      description: v.exactOptional(v.string()),
    }),
  ),
  config: v.record(v.string(), ConfigValue),
  resources: StringMap,
  leader: v.nullable(v.string()),
  leaderSettings: StringMap,
  trust: v.exactOptional(v.boolean()),
  subordinate: v.exactOptional(v.literal(true)),
  status: Status,
  statusSince: v.exactOptional(v.string()),
  statusHistory: v.array(Status),
  nextUnit: v.pipe(v.number(), v.integer()),
  containers: v.exactOptional(
    v.record(v.string(), v.object({ resource: v.string(), image: v.string(), mounts: v.array(v.object({ storage: v.string(), location: v.string() })) })),
  ),
});

const UnitSchema = v.object({
  application: v.string(),
  machineId: v.string(),
  privateAddress: v.string(),
  publicAddress: v.string(),
  status: Status,
  statusSince: v.exactOptional(v.string()),
  statusHistory: v.array(Status),
  workloadVersion: v.string(),
  workloadVersionSince: v.exactOptional(v.string()),
  life: v.exactOptional(v.literal('dying')),
  principal: v.exactOptional(v.string()),
  openedPorts: v.record(v.string(), v.array(v.string())),
});

const RelationSchema = v.object({
  id: v.pipe(v.number(), v.integer()),
  endpoints: v.pipe(v.array(v.object({ application: v.string(), name: v.string() })), v.minLength(1), v.maxLength(2)),
  joined: v.array(v.string()),
  appData: v.record(v.string(), StringMap),
  unitData: v.record(v.string(), StringMap),
  since: v.exactOptional(v.string()),
});

export const ModelStateSchema = v.object({
  format: v.literal(MODEL_FORMAT),
  name: v.string(),
  uuid: v.string(),
  counters: v.object({
    relation: v.pipe(v.number(), v.integer()),
    machine: v.pipe(v.number(), v.integer()),
    address: v.pipe(v.number(), v.integer()),
    storage: Integer,
  }),
  applications: v.record(v.string(), ApplicationSchema),
  units: v.record(v.string(), UnitSchema),
  relations: v.record(v.string(), RelationSchema),
  storage: v.record(v.string(), StorageInstanceSchema),
  clock: v.exactOptional(v.pipe(v.string(), v.isoTimestamp())),
  secrets: v.exactOptional(SecretsSchema),
});

// The hand-written ModelState (used by tool processes, which must not load valibot)
// and the schema must describe the same shape; this fails to compile if they drift.
type Inferred = v.InferOutput<typeof ModelStateSchema>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesType: Same<Inferred, ModelState> = true;
void schemaMatchesType;

/** Parses model.json content, throwing one error that lists every problem. */
export function validateModelState(data: unknown, source: string): ModelState {
  const result = v.safeParse(ModelStateSchema, data);
  if (result.success) return result.output;
  const issues = result.issues.map((issue) => `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`);
  throw new Error(`${source} is not a valid simulated model:\n  ${issues.join('\n  ')}`);
}
