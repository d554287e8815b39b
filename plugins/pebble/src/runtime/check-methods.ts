import * as v from 'valibot';
import { DEFAULT_CONTAINER, ErrorCode, LuckyError, defineMethod, type MethodContext, type MethodTypes } from '@lucky/core';
import { workloadContainer } from './metadata.js';
import { CheckDefinitionSchema, mutatePebbleState, pebbleState } from './plugin-state.js';
import type { PebbleRuntime } from './runtime.js';

/** Pebble check names: what JUJU_PEBBLE_CHECK_NAME carries. */
const CheckName = v.pipe(v.string(), v.regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'a check name is lower-case letters, digits and inner "-", e.g. web-up'));
const Check = v.pipe(
  CheckDefinitionSchema,
  v.check((check) => [check.http, check.tcp, check.exec].filter(Boolean).length === 1, 'a check has exactly one probe: http, tcp or exec'),
);
const Container = v.optional(v.string(), DEFAULT_CONTAINER);
const Warning = v.optional(v.string());

const CheckRow = v.object({
  container: v.string(),
  name: v.string(),
  ...CheckDefinitionSchema.entries,
  /** Pebble's view now: `up` or `down`; null when its Pebble does not answer. */
  status: v.nullable(v.string()),
  failures: v.nullable(v.number()),
});

function pending(container: string): string {
  return `Pebble of container "${container}" does not answer yet; the check is applied on ${container}-pebble-ready.`;
}

/** The metadata container a key names, checked against the metadata. */
function containerName(runtime: PebbleRuntime, ctx: MethodContext, key: string): string {
  return workloadContainer(runtime.metadata(ctx.daemon), key).name;
}

/** `pebble.check.*`: health checks declared by scripts, kept in the unit state and applied in Lucky's layer. */
export function checkMethods(runtime: PebbleRuntime) {
  return {
    'pebble.check.add': defineMethod({
      container: true,
      params: v.object({ container: Container, name: CheckName, check: Check }),
      result: v.object({ container: v.string(), warning: Warning }),
      handler: async ({ container: key, name, check }, ctx) => {
        const container = containerName(runtime, ctx, key);
        await mutatePebbleState(ctx.daemon, (state) => {
          for (const [other, checks] of Object.entries(state.checks)) {
            if (other !== container && checks[name]) {
              throw new LuckyError(
                ErrorCode.InvalidArgument,
                `The check "${name}" is already declared in container "${other}"; check names are the unit's, so pick another name.`,
              );
            }
          }
          (state.checks[container] ??= {})[name] = check;
        });
        const applied = await runtime.applyChecks(container, ctx.daemon);
        return applied ? { container } : { container, warning: pending(container) };
      },
    }),
    'pebble.check.remove': defineMethod({
      container: true,
      params: v.object({ container: v.optional(v.string()), name: CheckName }),
      result: v.object({ removed: v.boolean(), warning: Warning }),
      handler: async ({ container: key, name }, ctx) => {
        const declared = pebbleState(ctx.daemon.state.data).checks;
        const container = key === undefined ? Object.keys(declared).find((c) => declared[c]?.[name]) : containerName(runtime, ctx, key);
        if (container === undefined || !declared[container]?.[name]) return { removed: false };
        // Kept as removed until the plan no longer has it: Pebble cannot delete a check, so it is disabled.
        await mutatePebbleState(ctx.daemon, (state) => void ((state.checks[container] ??= {})[name] = null));
        const applied = await runtime.applyChecks(container, ctx.daemon);
        return applied ? { removed: true } : { removed: true, warning: pending(container) };
      },
    }),
    'pebble.check.list': defineMethod({
      container: true,
      params: v.object({ container: v.optional(v.string()) }),
      result: v.object({ checks: v.array(CheckRow) }),
      handler: async ({ container: key }, ctx) => {
        const only = key === undefined ? undefined : containerName(runtime, ctx, key);
        const rows: Array<v.InferInput<typeof CheckRow>> = [];
        for (const [container, checks] of Object.entries(pebbleState(ctx.daemon.state.data).checks).sort(([a], [b]) => a.localeCompare(b))) {
          if (only !== undefined && container !== only) continue;
          const live = await runtime.checkStatus(container, ctx.daemon);
          for (const [name, check] of Object.entries(checks).sort(([a], [b]) => a.localeCompare(b))) {
            if (!check) continue;
            const status = live?.get(name);
            rows.push({ container, name, ...check, status: status?.status ?? null, failures: status?.failures ?? null });
          }
        }
        return { checks: rows };
      },
    }),
  };
}

// Publishes the methods to typed clients (`lucky container check …`).
declare module '@lucky/core' {
  interface RpcMethods extends MethodTypes<ReturnType<typeof checkMethods>> {}
}
