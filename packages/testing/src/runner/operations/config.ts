/** `config`: `juju config`, with config-changed only when the effective config changed. */
import { coerceConfig, effectiveConfig } from '../config.js';
import type { ModelContext, Operation } from '../context.js';
import { liveUnits } from '../live.js';
import { enqueue, hookEntry } from '../queue.js';
import { assertNoError, requireApplication } from './checks.js';

export async function config(context: ModelContext, { state, model }: Operation, app: string, values: Readonly<Record<string, unknown>>): Promise<void> {
  const current = requireApplication(model, app);
  const coerced = coerceConfig(app, current.configOptions, values);
  const units = liveUnits(model, app, state);
  assertNoError(state, units);
  const next = new Map(Object.entries(current.config));
  for (const [key, value] of Object.entries(coerced)) {
    if (value === null) next.delete(key);
    else next.set(key, value);
  }
  const before = JSON.stringify(effectiveConfig(current.configOptions, current.config));
  const after = JSON.stringify(effectiveConfig(current.configOptions, Object.fromEntries(next)));
  if (before === after) return;
  await context.simulator.setConfig(app, coerced);
  for (const unit of units) enqueue(state, hookEntry(unit, 'config-changed'));
}
