/**
 * `juju-exec` as the simulator provides it in a model's tools directory: like Juju 3's
 * `juju-exec [options] [-u] <unit-name> <commands>`, it waits until the unit runs no
 * hook (the unit's hook lock), opens a hook context of the unit (context id
 * `<unit>-run-commands-<n>`, as Juju names them), runs the commands with bash in the
 * charm directory, prints their output, commits the context's changes when they exit 0,
 * and exits with their exit code. Lucky's cron scheduler starts jobs this way, and so
 * does `lucky sim advance`. Each run is recorded in the hook log as `juju-exec`.
 *
 * Not simulated: `--no-context` runs the commands without a context, but the relation
 * options (`-r`, `--remote-unit`, `--remote-app`, `--force-remote-unit`) and
 * `--operator` are refused.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { isProcessRunning } from '@lucky/core/system';
import { closeHookContext, openHookContext } from '../hook-runner.js';
import type { HookRun } from '../model/schema.js';
import { appendHookRun, listContexts, readModel, withModelLock } from '../model/store.js';

/** How long juju-exec waits for the unit's running hook to end. */
const LOCK_WAIT_MS = 10 * 60_000;

const USAGE = `Usage: juju-exec [options] [-u] <unit-name> <commands>

Summary:
Run commands in a unit's hook context.

Options:
--no-context  (= false)
    do not run the command in a unit context
-u (= "")
    the unit to run the commands for
`;

class UsageError extends Error {}

interface Parsed {
  unit: string;
  commands: string;
  noContext: boolean;
}

function parse(argv: readonly string[]): Parsed | 'help' {
  let unit: string | undefined;
  let noContext = false;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (rest.length > 0 || !arg.startsWith('-')) {
      rest.push(arg);
    } else if (arg === '--help' || arg === '-h') {
      return 'help';
    } else if (arg === '--no-context') {
      noContext = true;
    } else if (arg === '-u' || arg === '--unit') {
      unit = argv[++i];
      if (unit === undefined) throw new UsageError('flag needs an argument: -u');
    } else if (arg.startsWith('-u=') || arg.startsWith('--unit=')) {
      unit = arg.slice(arg.indexOf('=') + 1);
    } else if (['-r', '--relation', '--remote-unit', '--remote-app', '--force-remote-unit', '--operator'].includes(arg.split('=')[0] ?? '')) {
      throw new UsageError(`${arg.split('=')[0]} is not supported by the Lucky simulator's juju-exec`);
    } else if (arg === '--') {
      rest.push(...argv.slice(i + 1));
      break;
    } else {
      throw new UsageError(`flag provided but not defined: ${arg}`);
    }
  }
  if (unit === undefined && !noContext) {
    unit = rest.shift();
    if (unit === undefined) throw new UsageError('missing unit-name');
  }
  if (rest.length === 0) throw new UsageError('missing commands');
  return { unit: unit ?? '', commands: rest.join(' '), noContext };
}

/** Waits for the unit's running hook (a context whose owner lives) to end, then opens one for these commands. */
async function openWhenIdle(modelDir: string, unit: string): ReturnType<typeof openHookContext> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    const busy = (await listContexts(modelDir)).some((context) => context.unit === unit && isProcessRunning(context.ownerPid));
    if (!busy) {
      try {
        return await openHookContext(modelDir, unit, 'run-commands', {});
      } catch (error) {
        // Another hook started in between: wait for it too.
        if (!/already running hook/.test((error as Error).message)) throw error;
      }
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for the hook lock of ${unit}`);
    await sleep(25);
  }
}

/** Runs `juju-exec` against the model in `modelDir`; returns the exit code. */
export async function runJujuExec(modelDir: string, argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  let parsed: Parsed | 'help';
  try {
    parsed = parse(argv);
  } catch (error) {
    process.stderr.write(`ERROR ${(error as Error).message}\n`);
    return 2;
  }
  if (parsed === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const shell = (env: Record<string, string>, cwd: string) =>
    execa('/bin/bash', ['-c', parsed.commands], {
      env,
      extendEnv: false,
      cwd,
      reject: false,
      stdin: 'ignore',
      stdout: ['pipe', 'inherit'],
      stderr: ['pipe', 'inherit'],
    });
  if (parsed.noContext) {
    const result = await shell({ ...(process.env as Record<string, string>) }, process.cwd());
    return result.exitCode ?? 1;
  }
  const model = await readModel(modelDir).catch(() => null);
  if (!model?.units[parsed.unit]) {
    process.stderr.write(`ERROR unit "${parsed.unit}" not found\n`);
    return 1;
  }
  let opened: Awaited<ReturnType<typeof openHookContext>>;
  try {
    opened = await openWhenIdle(modelDir, parsed.unit);
  } catch (error) {
    process.stderr.write(`ERROR ${(error as Error).message}\n`);
    return 1;
  }
  const { context, env: hookEnv } = opened;
  // Commands run in a context of their own, not a hook: no JUJU_DISPATCH_PATH or JUJU_HOOK_NAME.
  const { JUJU_DISPATCH_PATH: _path, JUJU_HOOK_NAME: _name, ...env } = hookEnv;
  const startedAt = new Date();
  let exitCode = 1;
  let stdout = '';
  let stderr = '';
  let committed = false;
  try {
    const result = await shell(env, env.JUJU_CHARM_DIR ?? process.cwd());
    stdout = String(result.stdout ?? '');
    stderr = String(result.stderr ?? '');
    exitCode = result.exitCode ?? 128;
    committed = exitCode === 0;
  } finally {
    try {
      await closeHookContext(modelDir, context.id, committed);
    } catch (error) {
      committed = false;
      exitCode = 1;
      const message = `cannot apply changes: ${(error as Error).message}\n`;
      stderr += message;
      process.stderr.write(message);
    }
    const run: HookRun = {
      unit: parsed.unit,
      hook: 'juju-exec',
      contextId: context.id,
      handler: 'juju-exec',
      env,
      stdout,
      stderr,
      exitCode,
      committed,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
    };
    await withModelLock(modelDir, () => appendHookRun(modelDir, run));
  }
  return exitCode;
}
