/**
 * What the Pebble runtime keeps in the unit state (`plugins['@lucky/plugin-pebble']`):
 * the health checks scripts declared, and the ports it opened for container
 * definitions. Durable like the definitions themselves, so a restarted daemon (or a
 * restarted pod, on `-pebble-ready`) applies them again.
 */
import * as v from 'valibot';
import type { DaemonContext, UnitState } from '@lucky/core';

export const PLUGIN_NAME = '@lucky/plugin-pebble';

const Duration = v.pipe(v.string(), v.regex(/^\d+(?:\.\d+)?(?:ms|s|m|h)$/, 'expected a duration such as 500ms, 10s or 1m'));

/** A health check as `lucky container check add` declares it; Pebble's check fields, one probe each. */
export const CheckDefinitionSchema = v.object({
  level: v.nullable(v.picklist(['alive', 'ready'])),
  period: Duration,
  threshold: v.pipe(v.number(), v.integer(), v.minValue(1)),
  http: v.optional(v.object({ url: v.pipe(v.string(), v.url('expected an http:// or https:// URL')) })),
  tcp: v.optional(v.object({ port: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535)), host: v.optional(v.string()) })),
  exec: v.optional(v.object({ command: v.pipe(v.string(), v.nonEmpty('the command is empty')) })),
});
export type CheckDefinition = v.InferOutput<typeof CheckDefinitionSchema>;

const PebbleStateSchema = v.object({
  /**
   * Container name (metadata) → check name → definition; null marks a removed check,
   * kept until the container's plan no longer has it (Pebble cannot delete a check).
   */
  checks: v.optional(v.record(v.string(), v.record(v.string(), v.nullable(CheckDefinitionSchema))), {}),
  /** Ports (`80/tcp`) opened for container definitions, so that dropping a binding closes its port. */
  ports: v.optional(v.array(v.string()), []),
});
export type PebbleState = v.InferOutput<typeof PebbleStateSchema>;

/** The runtime's part of the state (empty when none is stored, or when it is not understood). */
export function pebbleState(data: Readonly<UnitState>): PebbleState {
  const parsed = v.safeParse(PebbleStateSchema, data.plugins[PLUGIN_NAME] ?? {});
  return parsed.success ? parsed.output : { checks: {}, ports: [] };
}

/** Changes the runtime's part of the state, durably. */
export async function mutatePebbleState(daemon: Pick<DaemonContext, 'state'>, change: (state: PebbleState) => void): Promise<void> {
  await daemon.state.mutate((data) => {
    const state = pebbleState(data);
    change(state);
    data.plugins[PLUGIN_NAME] = state;
  });
}
