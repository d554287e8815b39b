import * as v from 'valibot';
import { parseToolJson, runTool, type ToolEnv } from './run.js';

const StorageAttributes = v.object({ kind: v.string(), location: v.string() });

/** `storage-list --format=json [name]`: the ids (`data/0`) of the unit's storage instances. */
export async function storageList(env: ToolEnv, name?: string): Promise<string[]> {
  const args = ['--format=json'];
  if (name !== undefined) args.push(name);
  return parseToolJson('storage-list', await runTool('storage-list', args, env), v.nullable(v.array(v.string()))) ?? [];
}

/** `storage-get --format=json [-s id]`: kind and location of a storage instance (default: the storage hook's). */
export async function storageGet(env: ToolEnv, id?: string): Promise<{ kind: string; location: string }> {
  const args = ['--format=json'];
  if (id !== undefined) args.push('-s', id);
  return parseToolJson('storage-get', await runTool('storage-get', args, env), StorageAttributes);
}

/** `storage-add <name>=<count>…`: more instances, created when the hook succeeds. */
export async function storageAdd(env: ToolEnv, requests: readonly { name: string; count: number }[]): Promise<void> {
  await runTool(
    'storage-add',
    requests.map(({ name, count }) => `${name}=${count}`),
    env,
  );
}
