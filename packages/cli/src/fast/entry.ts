// Entry of the fast path's bundle (scripts/bundle-fast.mjs → lucky-fast.cjs), which
// `lucky`'s entries load before anything else. Scripts call `lucky kv get` and its
// kind dozens of times per hook; loading the full CLI (clipanion's parser over the
// command tree, then the command) costs about twice Node's own start-up. For a command
// line of FAST_COMMANDS in a form fast/parse.ts takes, this runs the command's own
// execute() without clipanion; for anything else run() returns false and the caller
// loads the full CLI, which then answers exactly as it always did.
import type { BaseContext } from 'clipanion';
import type { ThinCall } from '@lucky/core';
import { reportError } from '@lucky/errors';
import { endQuietlyOnBrokenPipe } from '../broken-pipe.js';
import { VERSION } from '../version.js';
import { FAST_COMMANDS, type FastCommand, type FastCommandInstance } from './commands.js';
import type { CallerContext } from './caller.js';
import { FastPathDeclined } from './daemon-connect.js';
import type { OptionSpec } from './clipanion-shim.js';
import { fastParse, optionSpecs } from './parse.js';

/** The fast command whose path starts `argv`, and the words after its path. */
function route(argv: readonly string[]): { command: FastCommand; args: readonly string[] } | undefined {
  for (const command of FAST_COMMANDS) {
    for (const path of command.paths) {
      if (path.length <= argv.length && path.every((word, i) => word === argv[i])) return { command, args: argv.slice(path.length) };
    }
  }
  return undefined;
}

/** A fast command's instance with the fields `argv` gives it, or undefined when the full CLI must take `argv`. */
export async function parseFast(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<FastCommandInstance | undefined> {
  const found = route(argv);
  if (!found) return undefined;
  const command = new (await found.command.load())();
  const values = fastParse(command, found.args, env);
  return values && Object.assign(command, values);
}

/** Each fast command's paths and the option specs of its class, as fast/parse.ts reads them (for test/fast-path.test.ts). */
export async function fastDefinitions(): Promise<{ paths: FastCommand['paths']; specs: [string, OptionSpec][] }[]> {
  return Promise.all(FAST_COMMANDS.map(async (command) => ({ paths: command.paths, specs: optionSpecs(new (await command.load())()) })));
}

/**
 * main()'s context, but each stream is made when first used: Node builds
 * process.stdout and process.stderr on first access, which costs a command that never
 * writes to one of them (most write nothing on stderr) a noticeable part of its time.
 * A stream gets main()'s broken-pipe handling as it is made.
 */
function lazyContext(env: NodeJS.ProcessEnv): BaseContext {
  const context = { env, colorDepth: 1 } as unknown as BaseContext;
  for (const name of ['stdout', 'stderr'] as const) {
    let guarded = false;
    Object.defineProperty(context, name, {
      enumerable: true,
      get: () => {
        if (!guarded) endQuietlyOnBrokenPipe(process[name]);
        guarded = true;
        return process[name];
      },
    });
  }
  // As in main(): no command reads stdin, and opening it costs start-up time.
  Object.defineProperty(context, 'stdin', { get: () => process.stdin, enumerable: false });
  return context;
}

/** Runs `argv` in `context`: the command's exit code, or undefined, having written and sent nothing, when the full CLI must run it. */
async function execute(argv: readonly string[], env: NodeJS.ProcessEnv, context: BaseContext): Promise<number | undefined> {
  let command: FastCommandInstance | undefined;
  try {
    command = await parseFast(argv, env);
  } catch {
    // Nothing is written or sent before execute(): whatever went wrong here, the full CLI can still run the command line.
    return undefined;
  }
  if (!command) return undefined;
  command.context = context;
  try {
    return (await command.execute()) ?? 0;
  } catch (error) {
    // `dispatch` with no current daemon to run the hook: nothing was written or sent yet (fast/daemon-connect.ts).
    if (error instanceof FastPathDeclined) return undefined;
    // As runCli reports a failed execute(): the same lines, the same codes.
    return reportError(error, context, `lucky ${VERSION}`);
  }
}

/**
 * Runs `argv` on the fast path and resolves true once the command has ended (its
 * exit code on process.exitCode, as the full CLI's main() leaves it), or resolves
 * false having written and sent nothing, so the caller runs the full CLI.
 */
export async function run(argv: readonly string[] = process.argv.slice(2)): Promise<boolean> {
  const code = await execute(argv, process.env, lazyContext(process.env));
  if (code === undefined) return false;
  process.exitCode = code;
  return true;
}

/**
 * Runs a thin client's command line in the unit's daemon (@lucky/core's ThinServer;
 * cli/daemon-process.ts loads this bundle for it): the same commands, parsed and run
 * as in a process of their own, with the caller's environment, directory and output.
 */
export function runForThinClient(call: ThinCall): Promise<number | undefined> {
  const context: CallerContext = {
    env: call.env,
    colorDepth: 1,
    stdin: undefined as unknown as BaseContext['stdin'],
    stdout: call.stdout,
    stderr: call.stderr,
    cwd: call.cwd,
    signal: call.signal,
  };
  return execute(call.argv, call.env, context);
}
