#!/usr/bin/env node
// Runs a simulated Juju hook tool by name: `hook-tool.js <tool-name> [args...]`, with
// JUJU_CONTEXT_ID and JUJU_AGENT_SOCKET_* from a hook context in the environment.
import { runTool } from '../dist/tools/main.js';

const [name, ...args] = process.argv.slice(2);
if (name === undefined) {
  process.stderr.write('usage: hook-tool.js <tool-name> [args...]\n');
  process.exitCode = 2;
} else {
  await runTool(name, args);
}
