/** Unit status states Juju accepts from a charm. */
export type WorkloadState = 'active' | 'waiting' | 'maintenance' | 'blocked';

/** One line of script output forwarded to the `lucky dispatch` process while a hook runs. */
export interface HookOutput {
  readonly stream: 'stdout' | 'stderr';
  readonly data: string;
}

/**
 * Every daemon method, its params and its result. Plugins add theirs by
 * declaration merging: `declare module '@lucky/core' { interface RpcMethods { … } }`.
 */
export interface RpcMethods {
  'daemon.hello': {
    params: { protocol: number; context?: string | undefined };
    result: { protocol: number; version: string; pid: number };
  };
  'daemon.status': {
    params: Record<string, never>;
    result: { pid: number; unit: string; charmDir: string; dataDir: string; uptimeMs: number; hook: string | null; version: string };
  };
  'daemon.stop': { params: Record<string, never>; result: { stopping: true } };
  'hook.trigger': {
    params: { hook: string; env: Record<string, string> };
    result: { ok: boolean; exitCode: number; message?: string };
  };
  'kv.get': { params: { key: string }; result: { value: string | null } };
  'kv.list': { params: Record<string, never>; result: { values: Record<string, string> } };
  'kv.set': { params: { values: Record<string, string | null> }; result: Record<string, never> };
  'kv.delete': { params: { keys: string[] }; result: Record<string, never> };
  'status.set': {
    params: { name: string; state: WorkloadState; message: string };
    result: { state: WorkloadState; message: string };
  };
  'status.get': {
    params: Record<string, never>;
    result: { state: WorkloadState; message: string; slots: Array<{ name: string; state: WorkloadState; message: string }> };
  };
  'config.get': { params: { key?: string | undefined }; result: { values: Record<string, unknown> } };
  // Served by @lucky/plugin-juju; declared here because they are the script-facing protocol.
  'relation.get': {
    params: { relationId?: string | undefined; unit?: string | undefined; app?: boolean; key?: string | undefined };
    result: { values: Record<string, string> };
  };
  'relation.set': { params: { relationId?: string | undefined; app?: boolean; values: Record<string, string> }; result: Record<string, never> };
  'relation.list': { params: { relationId?: string | undefined }; result: { units: string[] } };
  'relation.ids': { params: { name: string }; result: { ids: string[] } };
  'leader.is': { params: Record<string, never>; result: { leader: boolean } };
  'leader.get': { params: { key?: string | undefined }; result: { values: Record<string, string> } };
  'leader.set': { params: { values: Record<string, string> }; result: Record<string, never> };
  'port.open': { params: { port: string }; result: Record<string, never> };
  'port.close': { params: { port: string }; result: Record<string, never> };
  'port.close-all': { params: Record<string, never>; result: { closed: string[] } };
  'port.list': { params: Record<string, never>; result: { ports: string[] } };
  'address.private': { params: Record<string, never>; result: { address: string } };
  'address.public': { params: Record<string, never>; result: { address: string } };
  'resource.get': { params: { name: string }; result: { path: string } };
  // Container definitions (core); `warning` is set when the container has no definition (GAP-50).
  'container.image.get': { params: { container?: string | undefined }; result: { image: string | null } };
  'container.image.set': { params: { container?: string | undefined; image: string; pull?: boolean }; result: ContainerEdit };
  'container.env.get': { params: { container?: string | undefined; key?: string | undefined }; result: { values: Record<string, string> } };
  'container.env.set': { params: { container?: string | undefined; values: Record<string, string | null> }; result: ContainerEdit };
  'container.entrypoint.set': { params: { container?: string | undefined; entrypoint: string | null }; result: ContainerEdit };
  'container.command.set': { params: { container?: string | undefined; command: string[] | null }; result: ContainerEdit };
  'container.volume.add': { params: { container?: string | undefined; source: string; target: string }; result: ContainerEdit };
  'container.volume.remove': { params: { container?: string | undefined; target: string; deleteData?: boolean }; result: ContainerEdit & { dataDeleted: boolean } };
  'container.volume.list': { params: { container?: string | undefined }; result: { volumes: Record<string, string> } };
  'container.port.add': { params: { container?: string | undefined; binding: string }; result: ContainerEdit };
  'container.port.remove': { params: { container?: string | undefined; binding: string }; result: ContainerEdit };
  'container.port.remove-all': { params: { container?: string | undefined }; result: ContainerEdit };
  'container.port.list': { params: { container?: string | undefined }; result: { ports: string[] } };
  'container.network.set': { params: { container?: string | undefined; network: string | null }; result: ContainerEdit };
  'container.delete': { params: { container?: string | undefined }; result: ContainerEdit };
  'container.apply': { params: Record<string, never>; result: Record<string, never> };
}

/** Result of a container definition change. */
export interface ContainerEdit {
  readonly warning?: string;
}

export type RpcMethodName = keyof RpcMethods;
export type RpcParams<M extends RpcMethodName> = RpcMethods[M]['params'];
export type RpcResult<M extends RpcMethodName> = RpcMethods[M]['result'];
