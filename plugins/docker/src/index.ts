import { definePlugin, type Plugin } from '@lucky/core';
import { DockerRuntime, type DockerRuntimeOptions } from './runtime.js';

export { DockerRuntime, type DockerRuntimeOptions } from './runtime.js';
export { CONTAINER_LABEL, HASH_LABEL, UNIT_LABEL, containerName, parseLabelList } from './labels.js';
export { SOCKET_DIR, containerSocketPath, type Mount } from './mounts.js';
export { KIT_BIN, parseLdd, type SharedLibraries } from './client-kit.js';
export { proxyDropIn, proxySettings } from './install.js';

/** Options of `dockerPlugin()`. */
export type DockerPluginOptions = DockerRuntimeOptions;

/**
 * Lucky's Docker container runtime, on dockerode: `{ name, runtime }`. Core's
 * container steps call it (engine install in `install`, apply after scripts,
 * removal in `stop`/`remove`).
 */
export default function dockerPlugin(options: DockerPluginOptions = {}): Plugin {
  return definePlugin({ name: '@lucky/plugin-docker', runtime: new DockerRuntime(options) });
}
