import * as v from 'valibot';
import { parseToolJson, runTool, type ToolEnv } from './run.js';

const StringMap = v.record(v.string(), v.string());

/** `relation-get --format=json [--app] [-r id] - [unit]`, or one key's value. */
export async function relationGet(
  env: ToolEnv,
  options: { relationId?: string | undefined; unit?: string | undefined; app?: boolean; key?: string | undefined },
): Promise<Record<string, string>> {
  const args = ['--format=json'];
  if (options.app) args.push('--app');
  if (options.relationId !== undefined) args.push('-r', options.relationId);
  args.push(options.key ?? '-');
  if (options.unit !== undefined) args.push(options.unit);
  const out = await runTool('relation-get', args, env);
  if (options.key === undefined) return parseToolJson('relation-get', out, v.nullable(StringMap)) ?? {};
  const value = parseToolJson('relation-get', out, v.nullable(v.string()));
  return value === null ? {} : { [options.key]: value };
}

/** `relation-set [--app] [-r id] key=value…`; an empty value deletes the key. */
export async function relationSet(
  env: ToolEnv,
  options: { relationId?: string | undefined; app?: boolean; values: Readonly<Record<string, string>> },
): Promise<void> {
  const args: string[] = [];
  if (options.app) args.push('--app');
  if (options.relationId !== undefined) args.push('-r', options.relationId);
  for (const [key, value] of Object.entries(options.values)) args.push(`${key}=${value}`);
  await runTool('relation-set', args, env);
}

/** `relation-ids --format=json <endpoint>`. */
export async function relationIds(env: ToolEnv, endpoint: string): Promise<string[]> {
  const out = await runTool('relation-ids', ['--format=json', endpoint], env);
  return parseToolJson('relation-ids', out, v.nullable(v.array(v.string()))) ?? [];
}

/** `relation-list --format=json [-r id]`: the remote units. */
export async function relationList(env: ToolEnv, relationId?: string): Promise<string[]> {
  const args = ['--format=json'];
  if (relationId !== undefined) args.push('-r', relationId);
  const out = await runTool('relation-list', args, env);
  return parseToolJson('relation-list', out, v.nullable(v.array(v.string()))) ?? [];
}
