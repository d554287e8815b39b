/** `run` and `resolved`: operations on a unit's hooks themselves rather than on the model. */
import { SimulatorError } from '../../errors.js';
import { SECRET_HOOKS } from '../../secrets/hook-context.js';
import type { Operation } from '../context.js';
import { hookEntry } from '../queue.js';
import type { ResolvedOptions } from '../types.js';
import { assertNoError, requireUnit } from './checks.js';

const HOOK_NAME = /^[a-z0-9][a-z0-9_-]*$/;
const RELATION_HOOK = /^(.+)-relation-(created|joined|changed|departed|broken)$/;
const STORAGE_HOOK = /^(.+)-storage-(attached|detaching)$/;
const PEBBLE_EVENT_HOOK = /^(.+)-pebble-(custom-notice|check-failed|check-recovered)$/;

export async function run({ state, model }: Operation, unit: string, hook: string): Promise<void> {
  requireUnit(model, state, unit);
  if (!HOOK_NAME.test(hook)) throw new SimulatorError(`Invalid hook name ${JSON.stringify(hook)}: use lowercase letters, digits, "-" and "_".`);
  if (RELATION_HOOK.test(hook)) {
    throw new SimulatorError(
      `${hook} is a relation hook; relation hooks run when relations and their data change (relate, remove-relation, add-unit, remove-unit).`,
    );
  }
  if (STORAGE_HOOK.test(hook)) {
    throw new SimulatorError(
      `${hook} is a storage hook; storage hooks run when storage is attached or detached (deploy, add-unit, addStorage, storage-add, remove-unit).`,
    );
  }
  if (PEBBLE_EVENT_HOOK.test(hook)) {
    throw new SimulatorError(
      `${hook} follows a Pebble notice or check; use "lucky sim notify <unit> <container> <key>" (LocalModel.notify), or a check in the container.`,
    );
  }
  if (SECRET_HOOKS.has(hook)) {
    throw new SimulatorError(
      `${hook} is about a secret; secret hooks follow secret changes (secret-set, secret-get --refresh, secret removal) and the model clock (lucky sim advance: rotation, expiry).`,
    );
  }
  assertNoError(state, [unit]);
  state.queue.push(hookEntry(unit, hook));
}

export async function resolved({ state, model }: Operation, unit: string, options: ResolvedOptions): Promise<void> {
  if (!Object.hasOwn(model.units, unit)) requireUnit(model, state, unit);
  if (!Object.hasOwn(state.errors, unit)) throw new SimulatorError(`Unit ${unit} is not in error; there is nothing to resolve.`);
  delete state.errors[unit];
  if (options.retry === false) {
    // The failed hook is the first of the unit's queued hooks: it stayed there when it failed.
    const failed = state.queue.findIndex((entry) => entry.kind === 'hook' && entry.unit === unit);
    if (failed !== -1) state.queue.splice(failed, 1);
  }
}
