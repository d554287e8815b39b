// @lucky/build: `lucky charm build` as a plugin of the `lucky` CLI (its default
// export), and the build as a function.
import { definePlugin, type Plugin } from '@lucky/core';
import { charmBuildCommand } from './build-command.js';

export { buildCharm, type BuildOptions, type BuildResult } from './build.js';
export { ARCHITECTURES, type Architecture, type RuntimeKind } from './launcher.js';

/** The `lucky charm …` commands. */
export default function charmBuilderPlugin(): Plugin {
  return definePlugin({ name: '@lucky/build', commands: (kit) => [charmBuildCommand(kit)] });
}
