/**
 * The daemon's way to start a cron job in a hook context (core daemon/cron/exec.ts):
 * `juju-exec <unit> <command>` (Juju 3), or `juju-run <unit> <command>` where only
 * that exists (Juju 2.9). Both run the command with bash in a new hook context of the
 * unit once no hook is running, print its output and exit with its exit code.
 */
import { delimiter, join } from 'node:path';
import { accessSync, constants } from 'node:fs';
import type { CronExec, CronExecResult } from '@lucky/core';

/** The most output kept of one run (its tail), for the daemon log. */
const KEPT_OUTPUT_CHARS = 8192;

/** `juju-exec` if it is on PATH, else `juju-run`, else undefined. */
export function findJujuExec(path: string | undefined): string | undefined {
  for (const program of ['juju-exec', 'juju-run']) {
    for (const dir of (path ?? '').split(delimiter)) {
      if (dir === '') continue;
      try {
        accessSync(join(dir, program), constants.X_OK);
        return program;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

export const runJujuExec: CronExec = async ({ unit, command, env, signal }) => {
  const program = findJujuExec(env.PATH);
  if (!program) {
    return {
      program: 'juju-exec',
      exitCode: undefined,
      output: '',
      failure: `neither juju-exec (Juju 3) nor juju-run (Juju 2.9) is on PATH (${env.PATH ?? ''})`,
    };
  }
  const { execa } = await import('execa');
  const result = await execa(program, [unit, command], {
    env,
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    all: true,
    cancelSignal: signal,
    forceKillAfterDelay: 5000,
  });
  const output = String(result.all ?? '').slice(-KEPT_OUTPUT_CHARS);
  const outcome: CronExecResult = { program, exitCode: result.exitCode, output };
  if (result.exitCode !== undefined) return outcome;
  return { ...outcome, failure: result.isCanceled ? `${program} was stopped with the daemon` : (result.shortMessage ?? `${program} did not run`) };
};
