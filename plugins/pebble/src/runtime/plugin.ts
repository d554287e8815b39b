import { existsSync } from 'node:fs';
import * as v from 'valibot';
import { ErrorCode, LuckyError, definePlugin, type CoreHooks, type Plugin } from '@lucky/core';
import { checkCommands } from '../commands/check.js';
import { checkMethods } from './check-methods.js';
import { PLUGIN_NAME } from './plugin-state.js';
import { PebbleRuntime, type PebbleRuntimeOptions } from './runtime.js';

/** `<container>-pebble-ready`: Pebble in that container answers, first or again after a restart. */
const PEBBLE_READY = /^(.+)-pebble-ready$/;

const OptionsSchema = v.strictObject({
  containersDir: v.optional(v.pipe(v.string(), v.startsWith('/', 'containersDir must be an absolute path'))),
  readyTimeoutMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  requestTimeoutMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
});

/** Options of `pebblePlugin()`: `runtime: [pebble, {containersDir: /srv/containers}]` in lucky.yaml. */
export type PebblePluginOptions = PebbleRuntimeOptions;

function parseOptions(options: unknown): PebbleRuntimeOptions {
  const parsed = v.safeParse(OptionsSchema, options ?? {});
  if (!parsed.success) {
    const issue = parsed.issues[0];
    throw new LuckyError(
      ErrorCode.ConfigInvalid,
      `Invalid options of the pebble runtime at ${v.getDotPath(issue) ?? '(root)'}: ${issue.message} (known: containersDir, readyTimeoutMs, requestTimeoutMs).`,
    );
  }
  return parsed.output;
}

/** The runtime's own steps around hooks. */
function workloadHooks(runtime: PebbleRuntime): CoreHooks {
  return {
    async daemonStarted(daemon) {
      // Scripts of workload containers that are up may call lucky before any hook re-applies.
      try {
        for (const container of runtime.metadata(daemon).containers.values()) {
          const target = runtime.targetOf(container.name, daemon);
          if (existsSync(target.paths.shared)) await runtime.prepare(target, daemon);
        }
      } catch (error) {
        daemon.log.error(`The pebble runtime cannot serve this charm: ${(error as Error).message}`);
      }
    },
    async beforeHook(hook, daemon) {
      // A charm without containers: every hook says so, naming metadata.yaml.
      const metadata = runtime.metadata(daemon);
      const ready = PEBBLE_READY.exec(hook.hook)?.[1];
      if (ready === undefined || !metadata.containers.has(ready)) return;
      // A restarted workload container has lost its layers and files: define it again from scratch.
      await runtime.apply(daemon.state.data.containers, daemon, { signal: hook.signal });
    },
  };
}

/**
 * Lucky's Pebble runtime for Kubernetes sidecar charms (`runtime: pebble`): the
 * runtime, the `pebble.check.*` methods and `lucky container check …` commands,
 * and the re-apply on `<container>-pebble-ready`.
 */
export function pebblePlugin(options?: PebblePluginOptions): Plugin {
  const runtime = new PebbleRuntime(parseOptions(options));
  return definePlugin({
    name: PLUGIN_NAME,
    runtime,
    rpc: checkMethods(runtime),
    hooks: workloadHooks(runtime),
    commands: (kit) => checkCommands(kit),
  });
}
