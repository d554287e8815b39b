// The daemon's wire protocol as clients see it. Every method's params and result
// are valibot schemas defined once, next to its handler; these types are derived
// from them with type-only imports, so the client bundle carries no schema code.
import type { containerMethods } from '../containers/methods.js';
import type { cronMethods } from '../daemon/cron/methods.js';
import type { configMethods } from '../methods/config.js';
import type { daemonMethods } from '../methods/daemon.js';
import type { kvMethods } from '../methods/kv.js';
import type { statusMethods } from '../methods/status.js';
import type { MethodTypes } from '../plugin.js';

export type { WorkloadState } from '../state/schema.js';

/** One chunk of script output forwarded to the `lucky dispatch` process while a hook runs. */
export interface HookOutput {
  readonly stream: 'stdout' | 'stderr';
  readonly data: string;
}

/**
 * Every daemon method, its params and its result. Plugins add theirs by module
 * augmentation: `declare module '@lucky/core' { interface RpcMethods extends MethodTypes<typeof myMethods> {} }`
 * (@lucky/plugin-juju does so for `relation.*`, `leader.*`, `port.*` …).
 */
export interface RpcMethods
  extends
    MethodTypes<ReturnType<typeof daemonMethods>>,
    MethodTypes<typeof kvMethods>,
    MethodTypes<typeof configMethods>,
    MethodTypes<typeof statusMethods>,
    MethodTypes<ReturnType<typeof containerMethods>>,
    MethodTypes<ReturnType<typeof cronMethods>> {}

/** Result of a container definition change. */
export type ContainerEdit = RpcMethods['container.env.set']['result'];

export type RpcMethodName = keyof RpcMethods;
export type RpcParams<M extends RpcMethodName> = RpcMethods[M]['params'];
export type RpcResult<M extends RpcMethodName> = RpcMethods[M]['result'];
