import * as v from 'valibot';
import { parseToolJson, runTool, type ToolEnv } from './run.js';

/** `is-leader --format=json`. */
export async function isLeader(env: ToolEnv): Promise<boolean> {
  return parseToolJson('is-leader', await runTool('is-leader', ['--format=json'], env), v.boolean());
}

/** `leader-get --format=json`, or one key. */
export async function leaderGet(env: ToolEnv, key?: string): Promise<Record<string, string>> {
  const out = await runTool('leader-get', ['--format=json', key ?? '-'], env);
  if (key === undefined) return parseToolJson('leader-get', out, v.nullable(v.record(v.string(), v.string()))) ?? {};
  const value = parseToolJson('leader-get', out, v.nullable(v.string()));
  return value === null ? {} : { [key]: value };
}

/** `leader-set key=value…` (leader only; Juju refuses otherwise). */
export async function leaderSet(env: ToolEnv, values: Readonly<Record<string, string>>): Promise<void> {
  await runTool(
    'leader-set',
    Object.entries(values).map(([key, value]) => `${key}=${value}`),
    env,
  );
}
