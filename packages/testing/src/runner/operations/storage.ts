/** `addStorage`: `juju add-storage`. */
import type { ModelContext, Operation } from '../context.js';
import { enqueue, storageHookEntry } from '../queue.js';
import { assertNoError, requireUnit } from './checks.js';

export async function addStorage(context: ModelContext, { state, model }: Operation, unit: string, name: string, count: number): Promise<void> {
  requireUnit(model, state, unit);
  assertNoError(state, [unit]);
  for (const id of await context.simulator.addStorage(unit, name, count)) enqueue(state, storageHookEntry(unit, id, 'attached'));
}
