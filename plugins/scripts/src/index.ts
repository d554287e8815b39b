import { definePlugin, type Plugin } from '@lucky/core';
import { containerScriptRunner } from './container-runner.js';
import { hostScriptRunner } from './host-runner.js';

export { hostScriptRunner, hostCommand } from './host-runner.js';
export { containerScriptRunner, containerCommand, containerEntry, containerEnvironment, type ContainerEntry } from './container-runner.js';

/** Script runners: host scripts on the machine, container scripts through the container runtime. */
export default function scriptsPlugin(): Plugin {
  return definePlugin({ name: '@lucky/plugin-scripts', runners: [hostScriptRunner, containerScriptRunner] });
}
