import { setOwn } from '../model/records.js';

/**
 * addValueToMap of Juju: sets `value` at a path of keys, making maps on the way and
 * replacing a non-map value that is in the way. Used for `action-set` results and
 * for `juju run`'s dotted params.
 */
export function addValueAt(target: Record<string, unknown>, keys: readonly string[], value: unknown): void {
  let next = target;
  keys.forEach((key, index) => {
    if (index === keys.length - 1) {
      setOwn(next, key, value);
      return;
    }
    const current = Object.hasOwn(next, key) ? next[key] : undefined;
    if (typeof current === 'object' && current !== null && !Array.isArray(current)) {
      next = current as Record<string, unknown>;
    } else {
      const map: Record<string, unknown> = {};
      setOwn(next, key, map);
      next = map;
    }
  });
}
