/**
 * Entry point of every hook-tool process. Kept to node builtins: each tool call is a
 * fresh `node`, so only the one tool's module is imported (yaml only when printing or
 * reading YAML).
 */
import { parseArgs } from './args.js';
import { openToolContext } from './context.js';
import { HelpRequested, ToolError } from './errors.js';
import { processIO, withToolIO, type ToolIO } from './io.js';
import { isToolName, type ToolName } from './names.js';
import type { ToolDefinition } from './tool.js';

const loaders: Record<ToolName, () => Promise<{ tool: ToolDefinition }>> = {
  'action-fail': () => import('./action-fail.js'),
  'action-get': () => import('./action-get.js'),
  'action-log': () => import('./action-log.js'),
  'action-set': () => import('./action-set.js'),
  'application-version-set': () => import('./application-version-set.js'),
  'close-port': () => import('./close-port.js'),
  'config-get': () => import('./config-get.js'),
  'credential-get': () => import('./credential-get.js'),
  'goal-state': () => import('./goal-state.js'),
  'is-leader': () => import('./is-leader.js'),
  'juju-log': () => import('./juju-log.js'),
  'juju-reboot': () => import('./juju-reboot.js'),
  'leader-get': () => import('./leader-get.js'),
  'leader-set': () => import('./leader-set.js'),
  'network-get': () => import('./network-get.js'),
  'open-port': () => import('./open-port.js'),
  'opened-ports': () => import('./opened-ports.js'),
  'relation-get': () => import('./relation-get.js'),
  'relation-ids': () => import('./relation-ids.js'),
  'relation-list': () => import('./relation-list.js'),
  'relation-set': () => import('./relation-set.js'),
  'resource-get': () => import('./resource-get.js'),
  'status-get': () => import('./status-get.js'),
  'status-set': () => import('./status-set.js'),
  'storage-add': () => import('./storage-add.js'),
  'storage-get': () => import('./storage-get.js'),
  'storage-list': () => import('./storage-list.js'),
  'unit-get': () => import('./unit-get.js'),
  'secret-add': () => import('./secret-add.js'),
  'secret-get': () => import('./secret-get.js'),
  'secret-grant': () => import('./secret-grant.js'),
  'secret-ids': () => import('./secret-ids.js'),
  'secret-info-get': () => import('./secret-info-get.js'),
  'secret-remove': () => import('./secret-remove.js'),
  'secret-revoke': () => import('./secret-revoke.js'),
  'secret-set': () => import('./secret-set.js'),
};

/**
 * Runs the hook tool `name` with `argv` against the hook context of the environment,
 * printing `ERROR <message>` on failure. Sets and returns the exit code: 0, 2 for
 * command-line errors, 1 for runtime errors. With `io` (the model server), the tool
 * reads and writes the caller's streams instead of this process's, and the process's
 * exit code is left alone.
 */
export async function runTool(name: string, argv: readonly string[] = process.argv.slice(2), io?: ToolIO): Promise<number> {
  if (io) return withToolIO(io, () => executeTool(name, argv, io));
  const code = await executeTool(name, argv, processIO());
  process.exitCode = code;
  return code;
}

async function executeTool(name: string, argv: readonly string[], io: ToolIO): Promise<number> {
  let code = 0;
  let definition: ToolDefinition | undefined;
  try {
    // The agent checks the context before it looks at the command, as jujud does.
    const context = await openToolContext(io.env, io.cwd);
    if (!isToolName(name)) throw new ToolError(`bad request: unknown hook command: ${name}`, 1);
    definition = (await loaders[name]()).tool;
    const parsed = parseArgs(argv, definition.options(context));
    await definition.run(context, parsed);
  } catch (error) {
    if (error instanceof HelpRequested && definition) {
      io.stdout(`Usage: ${definition.name} [options] ${definition.args}`.trimEnd() + `\n\nSummary:\n${definition.purpose}\n`);
    } else if (error instanceof ToolError) {
      io.stderr(`ERROR ${error.message}\n`);
      code = error.exitCode;
    } else {
      io.stderr(`ERROR ${(error as Error).message ?? String(error)}\n`);
      code = 1;
    }
  }
  return code;
}
