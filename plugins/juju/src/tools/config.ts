import * as v from 'valibot';
import { parseToolJson, runTool, type ToolEnv } from './run.js';

/** `config-get --format=json --all`: every option, unset ones as null. */
export async function configGet(env: ToolEnv): Promise<Record<string, unknown>> {
  const out = await runTool('config-get', ['--format=json', '--all'], env);
  return parseToolJson('config-get', out, v.record(v.string(), v.unknown()));
}
