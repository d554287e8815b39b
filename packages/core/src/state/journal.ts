import type { UnitState } from './schema.js';

/**
 * One change of the unit state as the journal stores it: set or delete a whole
 * top-level key, or one entry of a top-level map (`kv`, `config`, `containers`,
 * `plugins`). Ops are absolute (not increments), so replaying a journal over a
 * snapshot that already holds some of its ops gives the same state.
 */
export type StateOp = { readonly s: readonly [string] | readonly [string, string]; readonly v: unknown } | { readonly d: readonly [string, string] };

/** Top-level maps diffed entry by entry, so a small change journals a small op. */
const MAPS = new Set(['kv', 'config', 'containers', 'plugins']);

/**
 * A copy of `state` that a change may edit freely, without copying its bulk: the
 * maps are copied shallowly (their values are replaced, not edited, by core's
 * changes), and the small structured parts deeply.
 */
export function draftOf(state: Readonly<UnitState>): UnitState {
  return {
    ...state,
    kv: { ...state.kv },
    config: structuredClone(state.config),
    statuses: structuredClone(state.statuses),
    containers: structuredClone(state.containers),
    plugins: structuredClone(state.plugins),
  };
}

function same(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b));
}

/** The ops that turn `before` into `after`. */
export function diffState(before: Readonly<UnitState>, after: Readonly<UnitState>): StateOp[] {
  const ops: StateOp[] = [];
  const old = before as unknown as Record<string, unknown>;
  const now = after as unknown as Record<string, unknown>;
  for (const key of new Set([...Object.keys(old), ...Object.keys(now)])) {
    const a = old[key];
    const b = now[key];
    if (a === b) continue;
    if (MAPS.has(key) && isMap(a) && isMap(b)) {
      for (const entry of Object.keys(a)) if (!Object.hasOwn(b, entry)) ops.push({ d: [key, entry] });
      for (const [entry, value] of Object.entries(b)) if (!Object.hasOwn(a, entry) || !same(a[entry], value)) ops.push({ s: [key, entry], v: value });
    } else if (!same(a, b)) {
      ops.push({ s: [key], v: b });
    }
  }
  return ops;
}

/** Applies journal ops to a state in place. */
export function applyOps(state: UnitState, ops: readonly StateOp[]): void {
  const target = state as unknown as Record<string, unknown>;
  for (const op of ops) {
    if ('d' in op) {
      const map = target[op.d[0]];
      if (isMap(map)) delete map[op.d[1]];
    } else if (op.s.length === 1) {
      target[op.s[0]] = op.v;
    } else {
      const [key, entry] = op.s;
      const map = isMap(target[key]) ? target[key] : (target[key] = {});
      map[entry] = op.v;
    }
  }
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
