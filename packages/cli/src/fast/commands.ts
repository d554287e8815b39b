// The commands the fast path runs (fast/entry.ts): those scripts call many times per
// hook, each one request to the unit's daemon (or none: `random`), and `dispatch`, which starts every hook. The same classes as the full CLI's
// COMMANDS (main.ts), loaded only when their path is called: a module evaluated for
// nothing costs every call. test/fast-path.test.ts checks that each entry's paths are
// its class's, and that the fast parser agrees with clipanion on each command.

/** A fast command: its paths (checked against the class), and how to load its class. */
export interface FastCommand {
  readonly paths: readonly (readonly string[])[];
  readonly load: () => Promise<new () => FastCommandInstance>;
}

/** What the fast path uses of a command (fields are filled by fast/parse.ts). */
export interface FastCommandInstance {
  context: unknown;
  execute(): Promise<number | void>;
}

export const FAST_COMMANDS: readonly FastCommand[] = [
  // A hook's own start-up: on the fast path while the unit's daemon is up and current (fast/daemon-connect.ts).
  { paths: [['dispatch'], ['trigger-hook']], load: async () => (await import('../commands/dispatch.js')).DispatchCommand },
  { paths: [['kv', 'get']], load: async () => (await import('../commands/kv/get.js')).KvGetCommand },
  { paths: [['kv', 'set']], load: async () => (await import('../commands/kv/set.js')).KvSetCommand },
  { paths: [['kv', 'delete']], load: async () => (await import('../commands/kv/delete.js')).KvDeleteCommand },
  { paths: [['get-config']], load: async () => (await import('../commands/get-config.js')).GetConfigCommand },
  { paths: [['set-status']], load: async () => (await import('../commands/set-status.js')).SetStatusCommand },
  { paths: [['relation', 'get']], load: async () => (await import('../commands/relation/get.js')).RelationGetCommand },
  { paths: [['relation', 'set']], load: async () => (await import('../commands/relation/set.js')).RelationSetCommand },
  { paths: [['relation', 'list-units']], load: async () => (await import('../commands/relation/list-units.js')).RelationListUnitsCommand },
  { paths: [['relation', 'list-ids']], load: async () => (await import('../commands/relation/list-ids.js')).RelationListIdsCommand },
  { paths: [['leader', 'get']], load: async () => (await import('../commands/leader/get.js')).LeaderGetCommand },
  { paths: [['leader', 'set']], load: async () => (await import('../commands/leader/set.js')).LeaderSetCommand },
  { paths: [['leader', 'is-leader']], load: async () => (await import('../commands/leader/is-leader.js')).LeaderIsLeaderCommand },
  { paths: [['action', 'get']], load: async () => (await import('../commands/action/get.js')).ActionGetCommand },
  { paths: [['action', 'set']], load: async () => (await import('../commands/action/set.js')).ActionSetCommand },
  { paths: [['action', 'fail']], load: async () => (await import('../commands/action/fail.js')).ActionFailCommand },
  { paths: [['action', 'log']], load: async () => (await import('../commands/action/log.js')).ActionLogCommand },
  { paths: [['port', 'open']], load: async () => (await import('../commands/port/open.js')).PortOpenCommand },
  { paths: [['port', 'close']], load: async () => (await import('../commands/port/close.js')).PortCloseCommand },
  { paths: [['port', 'get-opened']], load: async () => (await import('../commands/port/get-opened.js')).PortGetOpenedCommand },
  { paths: [['private-address']], load: async () => (await import('../commands/private-address.js')).PrivateAddressCommand },
  { paths: [['public-address']], load: async () => (await import('../commands/public-address.js')).PublicAddressCommand },
  { paths: [['get-resource']], load: async () => (await import('../commands/get-resource.js')).GetResourceCommand },
  { paths: [['workload-version']], load: async () => (await import('../commands/workload-version.js')).WorkloadVersionCommand },
  { paths: [['network', 'get']], load: async () => (await import('../commands/network/get.js')).NetworkGetCommand },
  { paths: [['storage', 'list']], load: async () => (await import('../commands/storage/list.js')).StorageListCommand },
  { paths: [['storage', 'get']], load: async () => (await import('../commands/storage/get.js')).StorageGetCommand },
  { paths: [['storage', 'add']], load: async () => (await import('../commands/storage/add.js')).StorageAddCommand },
  { paths: [['goal-state']], load: async () => (await import('../commands/goal-state.js')).GoalStateCommand },
  { paths: [['log']], load: async () => (await import('../commands/log.js')).LogCommand },
  // Needs no daemon; scripts make passwords with it (the demo charm's leader-elected does).
  { paths: [['random']], load: async () => (await import('../commands/random.js')).RandomCommand },
  { paths: [['container', 'image', 'get']], load: async () => (await import('../commands/container/image/get.js')).ContainerImageGetCommand },
  { paths: [['container', 'env', 'get']], load: async () => (await import('../commands/container/env/get.js')).ContainerEnvGetCommand },
  { paths: [['container', 'env', 'set']], load: async () => (await import('../commands/container/env/set.js')).ContainerEnvSetCommand },
  { paths: [['container', 'set-entrypoint']], load: async () => (await import('../commands/container/set-entrypoint.js')).ContainerSetEntrypointCommand },
  { paths: [['container', 'set-command']], load: async () => (await import('../commands/container/set-command.js')).ContainerSetCommandCommand },
  { paths: [['container', 'volume', 'add']], load: async () => (await import('../commands/container/volume/add.js')).ContainerVolumeAddCommand },
  { paths: [['container', 'volume', 'remove']], load: async () => (await import('../commands/container/volume/remove.js')).ContainerVolumeRemoveCommand },
  { paths: [['container', 'volume', 'get']], load: async () => (await import('../commands/container/volume/get.js')).ContainerVolumeGetCommand },
  { paths: [['container', 'port', 'add']], load: async () => (await import('../commands/container/port/add.js')).ContainerPortAddCommand },
  { paths: [['container', 'port', 'remove']], load: async () => (await import('../commands/container/port/remove.js')).ContainerPortRemoveCommand },
  { paths: [['container', 'port', 'list']], load: async () => (await import('../commands/container/port/list.js')).ContainerPortListCommand },
  { paths: [['container', 'set-network']], load: async () => (await import('../commands/container/set-network.js')).ContainerSetNetworkCommand },
  { paths: [['container', 'delete']], load: async () => (await import('../commands/container/delete.js')).ContainerDeleteCommand },
  { paths: [['container', 'apply-updates']], load: async () => (await import('../commands/container/apply-updates.js')).ContainerApplyUpdatesCommand },
];
