export * from './client/index.js';

// The runtime (`runtime: pebble`): Lucky's container model on Pebble, for Kubernetes sidecar charms.
export { pebblePlugin as default, type PebblePluginOptions } from './runtime/plugin.js';
export { PebbleRuntime, type PebbleRuntimeOptions } from './runtime/runtime.js';
export { readSidecarMetadata, workloadContainer, type SidecarMetadata, type WorkloadContainer, type StorageMount } from './runtime/metadata.js';
export { quoteWord, serviceCommand } from './runtime/command-line.js';
export { DEFAULT_CONTAINERS_DIR, WORKLOAD_DAEMON_SOCKET, WORKLOAD_SCRIPTS_DIR } from './runtime/paths.js';
export { checkMethods } from './runtime/check-methods.js';
