/**
 * The command a cron job runs through `juju-exec <unit> <command>`: Juju runs it with
 * bash in a fresh hook context of the unit, and it makes `lucky` run the job's entries
 * in the daemon, in that context. The simulator builds the same command for its model
 * clock, so both paths run jobs identically.
 */
import { shellQuote } from '../../system/shell-quote.js';

export interface CronCommandOptions {
  /** The `lucky` to run: the daemon's own shim (`<data dir>/bin/lucky`), or `lucky` on PATH. */
  readonly lucky: string;
  readonly dataDir: string;
  readonly socketPath: string;
  /** The job's id: its schedule text. */
  readonly job: string;
}

/**
 * `LUCKY_DATA_DIR=… LUCKY_DAEMON_SOCKET=… exec lucky dispatch --cron '<job>'`. The data
 * dir and socket are spelled out because a juju-exec context has only Juju's variables.
 */
export function cronDispatchCommand(options: CronCommandOptions): string {
  return [
    `LUCKY_DATA_DIR=${shellQuote(options.dataDir)}`,
    `LUCKY_DAEMON_SOCKET=${shellQuote(options.socketPath)}`,
    'exec',
    shellQuote(options.lucky),
    'dispatch',
    '--cron',
    shellQuote(options.job),
  ].join(' ');
}
