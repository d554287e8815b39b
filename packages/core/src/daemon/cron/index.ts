export { cronDispatchCommand, shellQuote, type CronCommandOptions } from './command.js';
export { systemClock, type SchedulerClock } from './clock.js';
export { CRON_SCHEDULER_ENV, startDaemonCron } from './daemon-cron.js';
export type { CronExec, CronExecRequest, CronExecResult } from './exec.js';
export { cronJobs, type CronJob } from './jobs.js';
export { CRON_STATE_KEY, cronRecords, stateCronMemory } from './memory.js';
export { cronMethods, type CronControl } from './methods.js';
export { fireTimes, nextFire } from './next-fire.js';
export { CronScheduler, type CronMemory, type CronRecord, type CronSchedulerOptions } from './scheduler.js';
