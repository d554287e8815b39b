/**
 * Storage instances as Juju keeps them (shared by host and tools): ids, where an
 * instance is mounted, the `storage-add` directive syntax and the checks Juju makes
 * when storage is added to a unit, with Juju's messages.
 */
import { mkdir } from 'node:fs/promises';
import { MODEL_DIR_MODE } from './store.js';
import { join } from 'node:path';
import { unitTag } from './names.js';
import type { ModelState, StorageAddition, StorageDefinition, StorageInstanceState } from './schema.js';

const STORAGE_NAME = '[a-z][a-z0-9]*(?:-[a-z0-9]*[a-z][a-z0-9]*)*';
const STORAGE_ID_RE = new RegExp(`^(${STORAGE_NAME})/(0|[1-9][0-9]*)$`);

/** names.IsValidStorage: `<name>/<n>`. */
export function isValidStorageId(id: string): boolean {
  return STORAGE_ID_RE.test(id);
}

/** `data/3` → `data`. */
export function storageNameOf(id: string): string {
  return id.slice(0, id.lastIndexOf('/'));
}

function storageNumber(id: string): number {
  return Number(id.slice(id.lastIndexOf('/') + 1));
}

/**
 * The ids of the storage attached to `unit` in the order they were created: the order
 * the uniter API lists a unit's attachments in (`storage-list`), and the order their
 * `-storage-attached` hooks run in.
 */
export function unitStorageIds(model: ModelState, unit: string): string[] {
  return Object.keys(model.storage)
    .filter((id) => model.storage[id]?.unit === unit)
    .sort((a, b) => storageNumber(a) - storageNumber(b));
}

/** juju/utils ParseSize: a non-negative number of MiB with an optional M, G, T, P, E, Z or Y suffix (M, MB or MiB). */
export function parseSize(input: string): number {
  const suffixes = 'MGTPEZY';
  let text = input;
  let multiplier = 1;
  const i = [...text].findIndex((char) => char !== '.' && !/[0-9]/.test(char));
  if (i > 0) {
    const suffix = text.slice(i);
    const j = [...suffixes].findIndex((base) => suffix === base || suffix === `${base}B` || suffix === `${base}iB`);
    if (j === -1) throw new Error(`invalid multiplier suffix ${JSON.stringify(suffix)}, expected one of ${suffixes}`);
    multiplier = 2 ** (10 * j);
    text = text.slice(0, i);
  }
  // strconv.ParseFloat of a string made of digits and dots.
  const value = /^(?:[0-9]+\.?[0-9]*|\.[0-9]+)$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value) || value < 0) throw new Error(`expected a non-negative number, got ${JSON.stringify(text)}`);
  return Math.ceil(value * multiplier);
}

/** storage.ParseDirective for one field list (`ebs,3,10G`): pool, count and size. */
function parseDirective(text: string): { pool: string; count: number; size: number } {
  const directive = { pool: '', count: 0, size: 0 };
  for (const field of text.split(',')) {
    if (field === '') continue;
    if (/^[a-zA-Z]+[-?a-zA-Z0-9]*$/.test(field)) {
      if (directive.pool !== '') throw new Error(`pool name is already set to ${JSON.stringify(directive.pool)}, new value ${JSON.stringify(field)} not valid`);
      directive.pool = field;
      continue;
    }
    if (/^-?[0-9]+$/.test(field)) {
      const value = field.startsWith('-') ? 0n : BigInt(field);
      // Beyond uint64, Go's ParseUint fails and the field is tried as a size instead.
      if (value <= 0xffffffffffffffffn) {
        if (value === 0n) throw new Error(`cannot parse count: count must be greater than zero, got ${JSON.stringify(field)}`);
        directive.count = Number(value);
        continue;
      }
    }
    if (/^-?[0-9]+(?:\.[0-9]+)?[MGTPEZY](?:i?B)?$/.test(field)) {
      try {
        directive.size = parseSize(field);
      } catch (error) {
        throw new Error(`cannot parse size: ${(error as Error).message}`, { cause: error });
      }
      continue;
    }
    throw new Error(`unrecognized storage directive ${JSON.stringify(field)} not valid`);
  }
  if (directive.count === 0 && directive.size === 0 && directive.pool === '') throw new Error('storage directives require at least one field to be specified');
  if (directive.count === 0) directive.count = 1;
  return directive;
}

/**
 * `storage-add` arguments (`data`, `cache=2`), checked as the tool's Init does
 * (storage.ParseDirectivesMap, then "only count"): throws with Juju's message.
 */
export function parseStorageAdditions(args: readonly string[]): StorageAddition[] {
  if (args.length === 0) throw new Error('storage add requires a storage directive');
  const additions: StorageAddition[] = [];
  const directives: { name: string; pool: string; size: number }[] = [];
  for (const arg of args) {
    const parts = arg.split('=');
    const name = parts[0] ?? '';
    if (parts.length > 2 || name === '') throw new Error(`expected "name=directive" or "name", got ${JSON.stringify(arg)}`);
    if (additions.some((addition) => addition.name === name)) throw new Error(`storage ${JSON.stringify(name)} specified more than once`);
    let directive;
    try {
      directive = parseDirective(parts[1] ?? '1');
    } catch (error) {
      throw new Error(`cannot parse directive for storage ${JSON.stringify(name)}: ${(error as Error).message}`, { cause: error });
    }
    additions.push({ name, count: directive.count });
    directives.push({ name, pool: directive.pool, size: directive.size });
  }
  const extra = directives.find((directive) => directive.pool !== '' || directive.size !== 0);
  if (extra) throw new Error(`only count can be specified for ${JSON.stringify(extra.name)}`);
  return additions;
}

/**
 * What Juju checks when storage is added to a unit (AddStorageForUnit, as the commit of
 * a hook's `storage-add` does it): the store exists and the count stays in its range.
 * Returns Juju's message, or null when every addition fits.
 */
export function checkStorageAdditions(model: ModelState, unit: string, additions: readonly StorageAddition[]): string | null {
  const app = model.applications[model.units[unit]?.application ?? ''];
  const counts = new Map<string, number>();
  for (const { name, count } of additions) {
    const prefix = `adding storage ${name} for ${unitTag(unit)}`;
    const definition = app && Object.hasOwn(app.storage, name) ? app.storage[name] : undefined;
    if (!definition) return `${prefix}: storage ${JSON.stringify(name)} not found`;
    const current = counts.get(name) ?? Object.values(model.storage).filter((instance) => instance.unit === unit && instance.name === name).length;
    const total = current + count;
    if (definition.countMin === 1 && definition.countMax === 1 && total !== 1) return `${prefix}: cannot attach, storage is singular`;
    if (definition.countMax >= 0 && total > definition.countMax) {
      return `${prefix}: attaching ${count} storage instance${count === 1 ? '' : 's'} brings the total to ${total}, exceeding the maximum of ${definition.countMax}`;
    }
    counts.set(name, total);
  }
  return null;
}

/**
 * Juju's FilesystemMountPoint: a singular store with a location is mounted there; else
 * at `<location or /var/lib/juju/storage>/<id>`. The simulator puts what a machine
 * would have at `/x` at `<model dir>/machines/<machine id>/x`.
 */
function filesystemLocation(modelDir: string, machineId: string, definition: StorageDefinition, id: string): string {
  const mountPoint = definition.location !== '' && definition.countMax === 1 ? definition.location : join(definition.location || '/var/lib/juju/storage', id);
  return join(modelDir, 'machines', machineId, mountPoint);
}

/**
 * Creates `count` instances of the store `name` and attaches them to `unit`, taking
 * ids from the model-wide sequence. Returns their ids; filesystem directories are
 * made by `createStorageDirectories`.
 */
export function createStorage(model: ModelState, modelDir: string, unit: string, name: string, count: number): string[] {
  const unitState = model.units[unit];
  const definition = model.applications[unitState?.application ?? '']?.storage[name];
  if (!unitState || !definition) throw new Error(`${unit} has no store ${JSON.stringify(name)}`);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = `${name}/${model.counters.storage++}`;
    let location: string;
    if (definition.type === 'filesystem') {
      location = filesystemLocation(modelDir, unitState.machineId, definition, id);
    } else {
      // Like the loop provider: the first loop device the unit's machine does not use yet.
      const used = new Set(
        Object.values(model.storage)
          .filter((instance) => instance.unit === unit)
          .map((instance) => instance.location),
      );
      let n = 0;
      while (used.has(`/dev/loop${n}`)) n++;
      location = `/dev/loop${n}`;
    }
    const instance: StorageInstanceState = { name, kind: definition.type, location, unit };
    model.storage[id] = instance;
    ids.push(id);
  }
  return ids;
}

/** Creates every store's minimum number of instances for a new unit, in the order Juju does: stores sorted by name. */
export function createUnitStorage(model: ModelState, modelDir: string, unit: string): string[] {
  const storage = model.applications[model.units[unit]?.application ?? '']?.storage ?? {};
  return Object.keys(storage)
    .sort()
    .flatMap((name) => createStorage(model, modelDir, unit, name, storage[name]?.countMin ?? 0));
}

/** Makes the directories of the given filesystem instances. */
export async function createStorageDirectories(model: ModelState, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    const instance = model.storage[id];
    if (instance?.kind === 'filesystem') await mkdir(instance.location, { recursive: true, mode: MODEL_DIR_MODE });
  }
}
