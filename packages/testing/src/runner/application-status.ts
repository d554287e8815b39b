/** What `juju status` shows for an application: its status (set by the leader, else derived from its units) and version. */
import type { ModelState, StatusEntry } from '../model/schema.js';
import type { UnitView } from './types.js';

/** core/status's severities: an application without a status of its own shows its most severe unit. */
const SEVERITY: Readonly<Record<string, number>> = { error: 100, blocked: 90, maintenance: 80, waiting: 70, active: 60, terminated: 50, unknown: 40 };

export function applicationStatus(model: ModelState, app: string, units: readonly UnitView[]): StatusEntry {
  const own = model.applications[app]?.status;
  if (own && own.status !== 'unknown') return { status: own.status, message: own.message };
  let derived: StatusEntry = { status: 'unknown', message: '' };
  for (const unit of units) {
    const status = unit.agent.status === 'error' ? { status: 'error', message: unit.agent.message } : unit.workload;
    if ((SEVERITY[status.status] ?? 0) > (SEVERITY[derived.status] ?? 0)) derived = { status: status.status, message: status.message };
  }
  return derived;
}

/** The workload version most recently set by any of its units (Juju sorts them by time, newest first). */
export function applicationVersion(model: ModelState, app: string): string {
  let latest = { version: '', since: '' };
  for (const unit of Object.values(model.units)) {
    if (unit.application !== app || unit.workloadVersion === '') continue;
    const since = unit.workloadVersionSince ?? '';
    if (latest.version === '' || since > latest.since) latest = { version: unit.workloadVersion, since };
  }
  return latest.version;
}
