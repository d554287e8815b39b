/** `cron.run`: what `lucky dispatch --cron <job>` calls inside the hook context juju-exec opened. */
import * as v from 'valibot';
import { ErrorCode, LuckyError } from '../../errors.js';
import { HookResultSchema, type HookResult } from '../../methods/daemon.js';
import { defineMethod } from '../../plugin.js';
import type { RpcCall } from '../../rpc/server.js';
import { cronJobs, type CronJob } from './jobs.js';

export interface CronControl {
  /** Queues the job's entries behind the running hook, as hook `cron`, and resolves with the outcome. */
  runJob(job: CronJob, env: Record<string, string>, call: RpcCall): Promise<HookResult>;
}

export function cronMethods(control: CronControl) {
  return {
    'cron.run': defineMethod({
      params: v.object({ job: v.string(), env: v.record(v.string(), v.string()) }),
      result: HookResultSchema,
      handler: ({ job, env }, { call, daemon }) => {
        const jobs = cronJobs(daemon.config);
        const found = jobs.find((candidate) => candidate.id === job);
        if (!found) {
          throw new LuckyError(
            ErrorCode.InvalidArgument,
            `No cron job "${job}" in ${daemon.config.file} (its jobs: ${jobs.map((candidate) => `"${candidate.id}"`).join(', ') || 'none'}); a job's id is its schedule as written there.`,
          );
        }
        return control.runJob(found, env, call);
      },
    }),
  };
}
