/**
 * The scheduler's records in the unit state (`state.json`), under `plugins` with the
 * key below, so they survive daemon restarts and charm upgrades with the rest of the
 * unit's state. A record that does not look right is ignored (its job counts from now).
 */
import type { StateStore } from '../../state/store.js';
import type { CronMemory, CronRecord } from './scheduler.js';

export const CRON_STATE_KEY = '@lucky/core:cron';

function isRecord(value: unknown): value is CronRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.since === 'string' && (record.lastRun === undefined || typeof record.lastRun === 'string');
}

/** The records kept in `state`, by job id. */
export function cronRecords(state: Pick<StateStore, 'data'>): Record<string, CronRecord> {
  const stored = state.data.plugins[CRON_STATE_KEY];
  const records: Record<string, CronRecord> = {};
  if (typeof stored !== 'object' || stored === null) return records;
  for (const [job, record] of Object.entries(stored)) if (isRecord(record)) records[job] = record;
  return records;
}

export function stateCronMemory(state: StateStore): CronMemory {
  return {
    load: () => cronRecords(state),
    save: (job, record) =>
      state.mutate((data) => {
        const stored = data.plugins[CRON_STATE_KEY];
        const records: Record<string, unknown> = typeof stored === 'object' && stored !== null ? { ...(stored as Record<string, unknown>) } : {};
        records[job] = record;
        data.plugins[CRON_STATE_KEY] = records;
      }),
  };
}
