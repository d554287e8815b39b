/** The hooks Juju can fire on a deployed charm (juju.md §1.3), from its metadata as the model keeps it. */
import type { ApplicationState } from '../model/schema.js';

const LIFECYCLE = [
  'install',
  'start',
  'config-changed',
  'upgrade-charm',
  'update-status',
  'leader-elected',
  'leader-settings-changed',
  'stop',
  'remove',
  'pre-series-upgrade',
  'post-series-upgrade',
];
const SECRET = ['secret-changed', 'secret-rotate', 'secret-expired', 'secret-remove'];
const RELATION = ['created', 'joined', 'changed', 'departed', 'broken'];
const STORAGE = ['attached', 'detaching'];
const PEBBLE = ['ready', 'custom-notice', 'check-failed', 'check-recovered'];

/** Lifecycle and secret hooks, and per endpoint, store and workload container their hooks; sorted. */
export function receivableHooks(app: ApplicationState): string[] {
  const hooks = new Set([...LIFECYCLE, ...SECRET]);
  for (const endpoint of Object.keys(app.endpoints ?? {})) for (const kind of RELATION) hooks.add(`${endpoint}-relation-${kind}`);
  for (const store of Object.keys(app.storage)) for (const kind of STORAGE) hooks.add(`${store}-storage-${kind}`);
  for (const container of Object.keys(app.containers ?? {})) for (const kind of PEBBLE) hooks.add(`${container}-pebble-${kind}`);
  return [...hooks].sort();
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The closest name, when it is close enough to be a typo (at most a third of the name differs). */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}
