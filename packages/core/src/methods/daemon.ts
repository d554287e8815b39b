import * as v from 'valibot';
import { defineMethod } from '../plugin.js';
import type { RpcCall } from '../rpc/server.js';
import { PROTOCOL_VERSION } from '../rpc/protocol.js';

const Empty = v.object({});

/**
 * What a hook run returns to `lucky dispatch`. A failed action that was reported to
 * Juju (`action-fail`) is `ok: false` with `exitCode: 0`: dispatch exits 0 (daemon/actions.ts).
 */
export const HookResultSchema = v.object({ ok: v.boolean(), exitCode: v.number(), message: v.optional(v.string()) });
export type HookResult = v.InferOutput<typeof HookResultSchema>;

/** The parts of the daemon its own methods drive. */
export interface DaemonControl {
  readonly version: string;
  readonly startedAt: number;
  /** Names of the loaded plugins, in load order, and of the selected runtime. */
  readonly plugins: readonly string[];
  readonly runtime: string | undefined;
  /** Set when the unit state was corrupt at start and was moved aside. */
  readonly stateProblem: string | undefined;
  /** The charm revision served (daemon/fingerprint.ts): `lucky dispatch` restarts a daemon whose fingerprint is not the charm's. */
  readonly fingerprint: string;
  /** The hook running now, if any. */
  currentHook(): string | undefined;
  /** Stops the daemon after the answer is sent. */
  stopSoon(): void;
  /** Queues a hook behind the running one and resolves with its outcome. */
  runHook(hook: string, env: Record<string, string>, call: RpcCall, kind: 'hook' | 'action'): Promise<HookResult>;
}

/** `daemon.*` and `hook.trigger`: the handshake, daemon control, and running hooks for `lucky dispatch`. */
export function daemonMethods(control: DaemonControl) {
  return {
    'daemon.hello': defineMethod({
      container: true,
      params: v.object({ protocol: v.number(), context: v.optional(v.string()) }),
      // fingerprint is optional on the wire: a daemon older than it sends none, and so is restarted by dispatch.
      result: v.object({ protocol: v.number(), version: v.string(), pid: v.number(), fingerprint: v.optional(v.string()) }),
      handler: ({ context }, { call }) => {
        // Ties later calls on this connection to the hook whose JUJU_CONTEXT_ID the client announced.
        call.connection.context = context === '' ? undefined : context;
        return { protocol: PROTOCOL_VERSION, version: control.version, pid: process.pid, fingerprint: control.fingerprint };
      },
    }),
    'daemon.status': defineMethod({
      params: Empty,
      result: v.object({
        pid: v.number(),
        unit: v.string(),
        charmDir: v.string(),
        dataDir: v.string(),
        uptimeMs: v.number(),
        hook: v.nullable(v.string()),
        version: v.string(),
        plugins: v.array(v.string()),
        runtime: v.nullable(v.string()),
        stateProblem: v.nullable(v.string()),
        fingerprint: v.string(),
      }),
      handler: (_params, { daemon }) => ({
        pid: process.pid,
        unit: daemon.unit,
        charmDir: daemon.charmDir,
        dataDir: daemon.dataDir,
        uptimeMs: Date.now() - control.startedAt,
        hook: control.currentHook() ?? null,
        version: control.version,
        plugins: [...control.plugins],
        runtime: control.runtime ?? null,
        stateProblem: control.stateProblem ?? null,
        fingerprint: control.fingerprint,
      }),
    }),
    'daemon.stop': defineMethod({
      params: Empty,
      result: v.object({ stopping: v.literal(true) }),
      handler: () => {
        // Answer first, then stop: the caller waits for the socket to disappear.
        control.stopSoon();
        return { stopping: true as const };
      },
    }),
    'hook.trigger': defineMethod({
      params: v.object({
        hook: v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9_-]*$/i, 'a hook name holds letters, digits, "-" and "_"')),
        env: v.record(v.string(), v.string()),
        /** `action` for `actions/<name>`: the `actions:` entries run. */
        kind: v.optional(v.picklist(['hook', 'action']), 'hook'),
      }),
      result: HookResultSchema,
      handler: ({ hook, env, kind }, { call }) => control.runHook(hook, env, call, kind),
    }),
  };
}
