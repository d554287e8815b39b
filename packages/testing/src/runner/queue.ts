import type { QueueEntry, QueuedHook, RunnerState } from './state.js';

export interface RelationContext {
  readonly relationId: number;
  readonly remoteUnit?: string;
  readonly remoteApp: string;
  readonly departingUnit?: string;
}

export function hookEntry(unit: string, hook: string, relation?: RelationContext): QueuedHook {
  return {
    kind: 'hook',
    unit,
    hook,
    relationId: relation?.relationId ?? null,
    remoteUnit: relation?.remoteUnit ?? '',
    remoteApp: relation?.remoteApp ?? '',
    departingUnit: relation?.departingUnit ?? '',
    storageId: '',
  };
}

/** `<name>-storage-attached` or `-detaching` of one storage instance (`data/0`). */
export function storageHookEntry(unit: string, storageId: string, kind: 'attached' | 'detaching'): QueuedHook {
  return { ...hookEntry(unit, `${storageId.slice(0, storageId.lastIndexOf('/'))}-storage-${kind}`), storageId };
}

/** Whether an entry needs `unit` to still be in the model. */
function involvesUnit(entry: QueueEntry, unit: string): boolean {
  if (entry.kind === 'hook') return entry.unit === unit || entry.remoteUnit === unit || entry.departingUnit === unit;
  // A subordinate's removal holds its principal's.
  return entry.kind === 'remove-unit' && (entry.unit === unit || entry.principal === unit);
}

function involvesRelation(entry: QueueEntry, relationId: number): boolean {
  if (entry.kind === 'hook') return entry.relationId === relationId;
  return entry.kind === 'remove-relation' && entry.relationId === relationId;
}

function sameHook(a: QueuedHook, b: QueuedHook): boolean {
  return (
    a.unit === b.unit &&
    a.hook === b.hook &&
    a.relationId === b.relationId &&
    a.remoteUnit === b.remoteUnit &&
    a.remoteApp === b.remoteApp &&
    a.departingUnit === b.departingUnit &&
    a.storageId === b.storageId &&
    a.secret?.id === b.secret?.id
  );
}

/**
 * Hooks that only say "look again": Juju coalesces them, a unit runs one for the
 * latest state rather than one per change. Coalescing also keeps two charms that
 * answer each other's writes from queuing an ever-growing backlog.
 */
const COALESCED = /(?:-relation-changed|^leader-settings-changed|^config-changed|^secret-changed)$/;

/**
 * Appends an entry, unless an identical coalescable hook is still waiting to run. One
 * that is `running` has read the state already: it does not stand for this change.
 */
export function enqueue(state: RunnerState, entry: QueueEntry, running: ReadonlySet<QueueEntry> = new Set()): void {
  if (entry.kind === 'hook' && COALESCED.test(entry.hook)) {
    if (state.queue.some((queued) => queued.kind === 'hook' && !running.has(queued) && sameHook(queued, entry))) return;
  }
  state.queue.push(entry);
}

/**
 * The index of the next entry to run, or -1 when the model has settled (or only
 * units in error have work left). A unit's hooks run in queue order and wait while
 * the unit is in error; a removal waits until nothing queued before it still needs
 * the unit or relation it removes.
 */
export function nextRunnable(state: RunnerState): number {
  for (let i = 0; i < state.queue.length; i++) {
    const entry = state.queue[i];
    if (!entry) continue;
    const earlier = state.queue.slice(0, i);
    if (entry.kind === 'hook') {
      if (Object.hasOwn(state.errors, entry.unit)) continue;
      if (earlier.some((queued) => queued.kind === 'hook' && queued.unit === entry.unit)) continue;
      return i;
    }
    if (entry.kind === 'remove-unit') {
      if (earlier.some((queued) => involvesUnit(queued, entry.unit))) continue;
      return i;
    }
    if (earlier.some((queued) => involvesRelation(queued, entry.relationId))) continue;
    return i;
  }
  return -1;
}

/**
 * The entries that may start now, in queue order, next to those `running` (entries in
 * flight stay queued until they finish): the first hook of each unit that is not in
 * error, as `nextRunnable` allows it, one per machine (Juju's machine lock: a principal
 * and its subordinates, `machineOf` maps a unit to its principal, never run hooks at the
 * same time), up to the first removal that may run. A removal is model-wide: it is
 * returned alone and only when nothing runs, and nothing queued after it starts first.
 */
export function startableEntries(state: RunnerState, running: ReadonlySet<QueueEntry>, machineOf: (unit: string) => string): QueueEntry[] {
  const busy = new Set<string>();
  for (const entry of running) if (entry.kind === 'hook') busy.add(machineOf(entry.unit));
  const picked: QueueEntry[] = [];
  for (let i = 0; i < state.queue.length; i++) {
    const entry = state.queue[i];
    if (!entry || running.has(entry)) continue;
    const earlier = state.queue.slice(0, i);
    if (entry.kind === 'hook') {
      if (Object.hasOwn(state.errors, entry.unit)) continue;
      if (earlier.some((queued) => queued.kind === 'hook' && queued.unit === entry.unit)) continue;
      const machine = machineOf(entry.unit);
      if (busy.has(machine)) continue;
      busy.add(machine);
      picked.push(entry);
      continue;
    }
    if (entry.kind === 'remove-unit' && earlier.some((queued) => involvesUnit(queued, entry.unit))) continue;
    if (entry.kind === 'remove-relation' && earlier.some((queued) => involvesRelation(queued, entry.relationId))) continue;
    return running.size === 0 && picked.length === 0 ? [entry] : picked;
  }
  return picked;
}

/** Drops queued work that needs a unit that is gone. */
export function dropUnitEntries(state: RunnerState, unit: string): void {
  state.queue = state.queue.filter((entry) => !involvesUnit(entry, unit));
}

export function dropRelationEntries(state: RunnerState, relationId: number): void {
  state.queue = state.queue.filter((entry) => !involvesRelation(entry, relationId));
}

export function describeEntry(entry: QueueEntry): string {
  if (entry.kind === 'remove-unit') return `remove ${entry.unit}`;
  if (entry.kind === 'remove-relation') return `remove relation ${entry.relationId}`;
  const about = entry.remoteUnit !== '' ? entry.remoteUnit : entry.storageId;
  return about !== '' ? `${entry.unit} ${entry.hook} (${about})` : `${entry.unit} ${entry.hook}`;
}
