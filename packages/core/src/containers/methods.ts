import { rmSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { ErrorCode, LuckyError } from '../errors.js';
import { KeySchema } from '../methods/kv.js';
import { defineMethod, type MethodContext } from '../plugin.js';
import type { UnitState } from '../state/schema.js';
import { checkImageReference, checkNetwork, checkVolume, formatPortBinding, parsePortBinding } from './parse.js';
import { DEFAULT_CONTAINER, DEFAULT_PULL_POLICY, PULL_POLICIES, containerLabel, type ContainerDefinition } from './schema.js';

const Container = v.optional(v.string(), DEFAULT_CONTAINER);
const Empty = v.object({});

/** The result of a definition change: a warning the client prints on stderr while still exiting 0 (GAP-50, for compatibility). */
const Edit = v.object({ warning: v.optional(v.string()) });
type Warning = v.InferOutput<typeof Edit>;

function missing(name: string): Warning {
  return {
    warning: `The ${name === DEFAULT_CONTAINER ? 'default container' : `container "${name}"`} has no definition yet, so nothing changed; define it first with "lucky container image set <image>${name === DEFAULT_CONTAINER ? '' : ` -c ${name}`}".`,
  };
}

/**
 * Changes an existing definition, durably, or returns the GAP-50 warning. The
 * change itself is applied to containers after the script (or on `apply`).
 */
async function edit(ctx: MethodContext, name: string, change: (definition: ContainerDefinition, state: UnitState) => void): Promise<Warning> {
  if (!ctx.daemon.state.data.containers[name]) return missing(name);
  await ctx.daemon.state.mutate((state) => {
    const definition = state.containers[name];
    if (!definition) return;
    change(definition, state);
    // Throwing here leaves the state as it was: the command fails, nothing is stored.
    ctx.daemon.runtime()?.checkDefinition?.(name, definition, ctx.daemon);
  });
  return {};
}

function definition(ctx: MethodContext, name: string): ContainerDefinition | undefined {
  return ctx.daemon.state.data.containers[name];
}

/** `container.*`: Lucky's container definitions (CL-21…CL-36), stored in the unit state. */
export function containerMethods(apply: (ctx: MethodContext) => Promise<void>) {
  return {
    'container.image.get': defineMethod({
      container: true,
      params: v.object({ container: Container }),
      result: v.object({ image: v.nullable(v.string()) }),
      handler: ({ container }, ctx) => ({ image: definition(ctx, container)?.image ?? null }),
    }),
    'container.image.set': defineMethod({
      container: true,
      params: v.object({ container: Container, image: v.string(), pull: v.optional(v.boolean(), true), pullPolicy: v.optional(v.picklist(PULL_POLICIES)) }),
      result: Edit,
      handler: async ({ container, image, pull: pullParam, pullPolicy: policyParam }, ctx) => {
        // `--pull <policy>` wins; a bare `--no-pull` (pull: false) is `never`.
        const pullPolicy = policyParam ?? (pullParam ? DEFAULT_PULL_POLICY : 'never');
        const pull = pullPolicy !== 'never';
        const runtime = ctx.daemon.runtime();
        if (runtime?.checkImage) runtime.checkImage(container, image, ctx.daemon);
        else checkImageReference(image);
        await ctx.daemon.state.mutate((state) => {
          const existing = state.containers[container];
          if (existing) {
            existing.image = image;
            existing.pull = pull;
            existing.pullPolicy = pullPolicy;
          } else {
            state.containers[container] = { image, pull, pullPolicy, env: {}, entrypoint: null, command: null, volumes: {}, ports: [], network: null };
          }
          runtime?.checkDefinition?.(container, state.containers[container]!, ctx.daemon);
        });
        return {};
      },
    }),
    'container.env.get': defineMethod({
      container: true,
      params: v.object({ container: Container, key: v.optional(v.string()) }),
      result: v.object({ values: v.record(v.string(), v.string()) }),
      handler: ({ container, key }, ctx) => {
        const env = definition(ctx, container)?.env ?? {};
        if (key === undefined) return { values: { ...env } };
        return { values: Object.hasOwn(env, key) ? { [key]: env[key]! } : {} };
      },
    }),
    'container.env.set': defineMethod({
      container: true,
      params: v.object({ container: Container, values: v.record(KeySchema, v.nullable(v.string())) }),
      result: Edit,
      handler: ({ container, values }, ctx) =>
        edit(ctx, container, (def) => {
          for (const [key, value] of Object.entries(values)) {
            if (value === null || value === '') delete def.env[key];
            else def.env[key] = value;
          }
        }),
    }),
    'container.entrypoint.set': defineMethod({
      container: true,
      params: v.object({
        container: Container,
        entrypoint: v.nullable(v.pipe(v.string(), v.nonEmpty('the entrypoint is empty; use --unset for the image default'))),
      }),
      result: Edit,
      handler: ({ container, entrypoint }, ctx) => edit(ctx, container, (def) => void (def.entrypoint = entrypoint)),
    }),
    'container.command.set': defineMethod({
      container: true,
      params: v.object({ container: Container, command: v.nullable(v.array(v.string())) }),
      result: Edit,
      handler: ({ container, command }, ctx) => edit(ctx, container, (def) => void (def.command = command)),
    }),
    'container.volume.add': defineMethod({
      container: true,
      params: v.object({ container: Container, source: v.string(), target: v.string() }),
      result: Edit,
      handler: ({ container, source, target }, ctx) => {
        checkVolume(source, target);
        if (source.startsWith('/') && ctx.call.connection.audience === 'container') {
          // A container that could bind-mount host paths into containers could reach anything on the host.
          throw new LuckyError(
            ErrorCode.InvalidArgument,
            `A container may not mount the host path ${source} into a container; use a named volume, or add the mount from a host script.`,
          );
        }
        return edit(ctx, container, (def) => void (def.volumes[target] = source));
      },
    }),
    'container.volume.remove': defineMethod({
      container: true,
      params: v.object({ container: Container, target: v.string(), deleteData: v.optional(v.boolean(), false) }),
      result: v.object({ ...Edit.entries, dataDeleted: v.boolean() }),
      handler: async ({ container, target, deleteData }, ctx) => {
        const source = definition(ctx, container)?.volumes[target];
        const result = await edit(ctx, container, (def) => void delete def.volumes[target]);
        if (result.warning || source === undefined || !deleteData) return { ...result, dataDeleted: false };
        const stillUsed = Object.values(ctx.daemon.state.data.containers).some((def) => Object.values(def.volumes).includes(source));
        if (stillUsed) return { dataDeleted: false, warning: `Kept the data of "${source}": another mount still uses it.` };
        // Only Lucky's own named volumes are deleted; a bind-mounted host path is the machine's.
        if (source.startsWith('/')) return { dataDeleted: false, warning: `Kept ${source}: --delete-data only deletes named volumes, not host paths.` };
        rmSync(join(ctx.daemon.dataDir, 'volumes', source), { recursive: true, force: true });
        return { dataDeleted: true };
      },
    }),
    'container.volume.list': defineMethod({
      container: true,
      params: v.object({ container: Container }),
      result: v.object({ volumes: v.record(v.string(), v.string()) }),
      handler: ({ container }, ctx) => ({ volumes: { ...(definition(ctx, container)?.volumes ?? {}) } }),
    }),
    'container.port.add': defineMethod({
      container: true,
      params: v.object({ container: Container, binding: v.string() }),
      result: Edit,
      handler: async ({ container, binding }, ctx) => {
        const wanted = parsePortBinding(binding);
        const def = definition(ctx, container);
        if (!def) return missing(container);
        const same = (a: typeof wanted, b: typeof wanted): boolean =>
          a.hostPort === b.hostPort && a.containerPort === b.containerPort && a.protocol === b.protocol;
        if (def.ports.some((port) => same(port, wanted))) return {};
        const conflict = def.ports.find(
          (port) => port.protocol === wanted.protocol && (port.hostPort === wanted.hostPort || port.containerPort === wanted.containerPort),
        );
        if (conflict) {
          throw new LuckyError(
            ErrorCode.InvalidArgument,
            `Not adding port binding \`${formatPortBinding(wanted)}\` because it conflicts with a port binding already added to the container: ${formatPortBinding(conflict)}`,
          );
        }
        return edit(ctx, container, (d) => void d.ports.push(wanted));
      },
    }),
    'container.port.remove': defineMethod({
      container: true,
      params: v.object({ container: Container, binding: v.string() }),
      result: Edit,
      handler: ({ container, binding }, ctx) => {
        const gone = parsePortBinding(binding);
        return edit(ctx, container, (def) => {
          def.ports = def.ports.filter(
            (port) => !(port.hostPort === gone.hostPort && port.containerPort === gone.containerPort && port.protocol === gone.protocol),
          );
        });
      },
    }),
    'container.port.remove-all': defineMethod({
      container: true,
      params: v.object({ container: Container }),
      result: Edit,
      handler: ({ container }, ctx) => edit(ctx, container, (def) => void (def.ports = [])),
    }),
    'container.port.list': defineMethod({
      container: true,
      params: v.object({ container: Container }),
      result: v.object({ ports: v.array(v.string()) }),
      handler: ({ container }, ctx) => ({ ports: (definition(ctx, container)?.ports ?? []).map(formatPortBinding) }),
    }),
    'container.network.set': defineMethod({
      container: true,
      params: v.object({ container: Container, network: v.nullable(v.string()) }),
      result: Edit,
      handler: ({ container, network }, ctx) => {
        if (network !== null) checkNetwork(network);
        return edit(ctx, container, (def) => void (def.network = network));
      },
    }),
    'container.delete': defineMethod({
      container: true,
      params: v.object({ container: Container }),
      result: Edit,
      handler: async ({ container }, ctx) => {
        if (!definition(ctx, container)) return missing(container);
        await ctx.daemon.state.mutate((state) => void delete state.containers[container]);
        ctx.daemon.log.info(`Container ${containerLabel(container)} marked for removal`);
        return {};
      },
    }),
    'container.apply': defineMethod({
      container: true,
      params: Empty,
      result: Empty,
      handler: async (_params, ctx) => {
        await apply(ctx);
        return {};
      },
    }),
  };
}
