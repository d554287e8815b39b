/**
 * A charm's cron jobs as the scheduler sees them. A job's id is its schedule text
 * exactly as written in lucky.yaml: a YAML map key, so unique within a charm, and
 * stable when other jobs are added or removed (a list index would not be).
 */
import { parseCron, type CronSchedule } from '../../config/cron.js';
import type { LuckyConfig, ScriptEntry } from '../../config/schema.js';

export interface CronJob {
  readonly id: string;
  /** Position in lucky.yaml; script ids are `cron_<index>_<entry>` (DMN-13). */
  readonly index: number;
  readonly schedule: CronSchedule;
  readonly entries: readonly ScriptEntry[];
}

/** The jobs of a validated lucky.yaml, in file order. */
export function cronJobs(config: Pick<LuckyConfig, 'cronJobs'>): CronJob[] {
  return config.cronJobs.map((job, index) => ({ id: job.schedule, index, schedule: parseCron(job.schedule), entries: job.entries }));
}
