/**
 * What the model runner keeps next to the simulator's model.json, so a model opened
 * in a new process (one CLI command each) continues where the last one stopped:
 * the options, the hook queue and which units are in error.
 */
import { SimulatorError } from '../errors.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { writeModelFile } from '../model/store.js';

export const RUNNER_FORMAT = 1;

/** A hook waiting to run on a unit, with its relation or storage context (Juju's hook.Info). */
export interface QueuedHook {
  kind: 'hook';
  unit: string;
  hook: string;
  relationId: number | null;
  remoteUnit: string;
  remoteApp: string;
  departingUnit: string;
  /** Storage hooks: the instance (`data/0`); '' otherwise. */
  storageId: string;
  /** `<c>-pebble-custom-notice`: the notice that fired it. */
  notice?: { id: string; type: string; key: string };
  /** `<c>-pebble-check-failed`/`-recovered`: the check. */
  checkName?: string;
  /** `secret-*` hooks: the secret (JUJU_SECRET_ID, _LABEL, _REVISION). */
  secret?: { id: string; label: string; revision: number };
  /** Extra hook environment, from a clock-event source (runner/clock-events.ts). */
  env?: Record<string, string>;
}

/** Drops a unit from the model once its teardown hooks have run. */
export interface QueuedUnitRemoval {
  kind: 'remove-unit';
  unit: string;
  /** A subordinate's principal: the principal's own removal waits for this one (Juju's principal cannot die while it has subordinates). */
  principal?: string;
}

/** Drops a relation from the model once every -broken hook has run. */
export interface QueuedRelationRemoval {
  kind: 'remove-relation';
  relationId: number;
}

export type QueueEntry = QueuedHook | QueuedUnitRemoval | QueuedRelationRemoval;

export interface RunnerState {
  format: typeof RUNNER_FORMAT;
  /** Directories put on PATH (after the hook tools, before the system PATH) for every hook. */
  path: string[];
  maxHooksPerOperation: number;
  /** One hook at a time across the model, in queue order (LocalModelOptions.serial); absent: each unit's hooks run concurrently with other units', as on Juju. */
  serial?: boolean;
  /** Application → charm name from its metadata (the simulator does not keep it). */
  applications: Record<string, { charm: string }>;
  /** Unit → the hook that failed; its entry stays at the head of the unit's queue. */
  errors: Record<string, { hook: string }>;
  /** Units being removed: they get no new hooks besides their teardown. */
  dyingUnits: string[];
  /** Relations being removed. */
  dyingRelations: number[];
  queue: QueueEntry[];
}

const QueueEntrySchema = v.variant('kind', [
  v.object({
    kind: v.literal('hook'),
    unit: v.string(),
    hook: v.string(),
    relationId: v.nullable(v.pipe(v.number(), v.integer())),
    remoteUnit: v.string(),
    remoteApp: v.string(),
    departingUnit: v.string(),
    // Absent from queues saved before storage was simulated.
    storageId: v.optional(v.string(), ''),
    notice: v.exactOptional(v.object({ id: v.string(), type: v.string(), key: v.string() })),
    checkName: v.exactOptional(v.string()),
    secret: v.exactOptional(v.object({ id: v.string(), label: v.string(), revision: v.pipe(v.number(), v.integer()) })),
    env: v.exactOptional(v.record(v.string(), v.string())),
  }),
  v.object({ kind: v.literal('remove-unit'), unit: v.string(), principal: v.exactOptional(v.string()) }),
  v.object({ kind: v.literal('remove-relation'), relationId: v.pipe(v.number(), v.integer()) }),
]);

const RunnerStateSchema = v.object({
  format: v.literal(RUNNER_FORMAT),
  path: v.array(v.string()),
  maxHooksPerOperation: v.pipe(v.number(), v.integer(), v.minValue(1)),
  serial: v.exactOptional(v.boolean()),
  applications: v.record(v.string(), v.object({ charm: v.string() })),
  errors: v.record(v.string(), v.object({ hook: v.string() })),
  dyingUnits: v.array(v.string()),
  dyingRelations: v.array(v.pipe(v.number(), v.integer())),
  queue: v.array(QueueEntrySchema),
});

type Inferred = v.InferOutput<typeof RunnerStateSchema>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesType: Same<Inferred, RunnerState> = true;
void schemaMatchesType;

export function runnerStatePath(dir: string): string {
  return join(dir, 'runner.json');
}

export function runnerLockPath(dir: string): string {
  return join(dir, 'runner.lock');
}

/** Reads runner.json, or returns null when there is none. */
export async function readRunnerState(dir: string): Promise<RunnerState | null> {
  const path = runnerStatePath(dir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new SimulatorError(`${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const result = v.safeParse(RunnerStateSchema, data);
  if (result.success) return result.output;
  const issues = result.issues.map((issue) => `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`);
  throw new SimulatorError(`${path} is not a valid model runner state:\n  ${issues.join('\n  ')}`);
}

export async function writeRunnerState(dir: string, state: RunnerState): Promise<void> {
  await writeModelFile(runnerStatePath(dir), `${JSON.stringify(state, null, 2)}\n`);
}
