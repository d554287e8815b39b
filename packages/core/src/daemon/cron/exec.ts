/**
 * How the daemon starts a cron job in a hook context: `juju-exec <unit> <command>` on
 * Juju 3, `juju-run <unit> <command>` on Juju 2.9. Core only describes it; the `lucky`
 * CLI, which carries execa, provides it (packages/cli/src/cron-exec.ts) through
 * `DaemonOptions.cronExec`.
 */
export interface CronExecRequest {
  readonly unit: string;
  /** A bash command line (see command.ts). */
  readonly command: string;
  /** The environment for juju-exec itself (PATH, proxies); hook variables are not passed. */
  readonly env: Readonly<Record<string, string>>;
  /** Aborted when the daemon stops. */
  readonly signal: AbortSignal;
}

export interface CronExecResult {
  /** The program that ran (`juju-exec` or `juju-run`). */
  readonly program: string;
  /** The command's exit code; undefined when it could not run or was killed. */
  readonly exitCode: number | undefined;
  /** stdout and stderr, interleaved, at most a few kilobytes (the tail). */
  readonly output: string;
  /** Why it did not run to an exit code, if it did not. */
  readonly failure?: string;
}

export type CronExec = (request: CronExecRequest) => Promise<CronExecResult>;
