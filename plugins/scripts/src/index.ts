import { definePlugin, type Plugin } from '@lucky/core';
import { hostScriptRunner } from './host-runner.js';

export { hostScriptRunner, hostCommand } from './host-runner.js';

/** The host script runner plugin: `host-script` and `inline-host-script` entries. */
export default function scriptsPlugin(): Plugin {
  return definePlugin({ name: '@lucky/plugin-scripts', runners: [hostScriptRunner] });
}
