/**
 * The daemon's cron scheduler: started with the daemon when lucky.yaml has cron jobs,
 * stopped with it. Each due job runs as `juju-exec <unit> "lucky dispatch --cron <job>"`,
 * so its scripts get a real hook context (hook tools work) and queue behind any hook.
 *
 * `LUCKY_CRON_SCHEDULER=external` in the daemon's environment turns the scheduler off:
 * something else triggers the jobs through the same `lucky dispatch --cron`. The Lucky
 * simulator does so, because its time is the model clock (`lucky sim advance`), not the
 * system clock this scheduler follows.
 */
import { join } from 'node:path';
import type { DaemonContext } from '../../plugin.js';
import { systemClock, type SchedulerClock } from './clock.js';
import { cronDispatchCommand } from './command.js';
import type { CronExec } from './exec.js';
import { cronJobs } from './jobs.js';
import { stateCronMemory } from './memory.js';
import { CronScheduler } from './scheduler.js';

export const CRON_SCHEDULER_ENV = 'LUCKY_CRON_SCHEDULER';

/** The most of a failed job's output the daemon log keeps. */
const LOGGED_OUTPUT_CHARS = 2000;

/** juju-exec gets the daemon's environment without the variables of the hook that started the daemon. */
function execEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || key.startsWith('JUJU_') || key.startsWith('LUCKY_') || key === 'CHARM_DIR') continue;
    out[key] = value;
  }
  return out;
}

/** Starts the scheduler for the daemon's cron jobs; undefined when there is nothing to schedule here. */
export function startDaemonCron(
  daemon: DaemonContext,
  exec: CronExec | undefined,
  env: NodeJS.ProcessEnv = process.env,
  clock: SchedulerClock = systemClock,
): CronScheduler | undefined {
  const jobs = cronJobs(daemon.config);
  if (jobs.length === 0) return undefined;
  if (env[CRON_SCHEDULER_ENV] === 'external') {
    daemon.log.info(`${jobs.length} cron job(s) are triggered from outside the daemon (${CRON_SCHEDULER_ENV}=external).`);
    return undefined;
  }
  if (!exec) {
    daemon.log.warn(`lucky.yaml has ${jobs.length} cron job(s), but this daemon was started without a way to run juju-exec; they will not run.`);
    return undefined;
  }
  const scheduler = new CronScheduler({
    jobs,
    clock,
    memory: stateCronMemory(daemon.state),
    log: daemon.log,
    run: async (job, due, signal) => {
      const command = cronDispatchCommand({ lucky: join(daemon.binDir, 'lucky'), dataDir: daemon.dataDir, socketPath: daemon.socketPath, job: job.id });
      daemon.log.info(`Cron job "${job.id}" (due ${due.toISOString()}) starting`);
      const result = await exec({ unit: daemon.unit, command, env: execEnvironment(env), signal });
      if (result.exitCode === 0) {
        daemon.log.info(`Cron job "${job.id}" done`);
        return;
      }
      const why = result.failure ?? `${result.program} exited with ${result.exitCode ?? 'no exit code'}`;
      daemon.log.warn(`Cron job "${job.id}" failed: ${why}${result.output ? `\n${result.output.slice(-LOGGED_OUTPUT_CHARS)}` : ''}`);
    },
  });
  scheduler.start();
  daemon.log.info(`Scheduled ${jobs.length} cron job(s) (UTC): ${jobs.map((job) => `"${job.id}"`).join(', ')}`);
  return scheduler;
}
