import * as v from 'valibot';
import { parseToolJson, runTool, type ToolEnv } from './run.js';

/** Any JSON value, as `action-get --format=json` prints the action's params. */
const JsonValue = v.unknown();

/** `action-get --format=json [key[.key…]]`: every param (Juju fills in schema defaults), or one; null when the key is missing. */
export async function actionGet(env: ToolEnv, key?: string): Promise<unknown> {
  return parseToolJson('action-get', await runTool('action-get', ['--format=json', ...(key === undefined ? [] : [key])], env), JsonValue);
}

/** `action-get --format=yaml [key]`: Juju's YAML of the params (empty when the key is missing). */
export async function actionGetYaml(env: ToolEnv, key?: string): Promise<string> {
  return runTool('action-get', ['--format=yaml', ...(key === undefined ? [] : [key])], env);
}

/** `action-set key[.key…]=value…`: results, reported when the action ends; dotted keys nest. */
export async function actionSet(env: ToolEnv, values: Readonly<Record<string, string>>): Promise<void> {
  await runTool(
    'action-set',
    Object.entries(values).map(([key, value]) => `${key}=${value}`),
    env,
  );
}

/** `action-fail [-- message]`: the action ends `failed`; without a message, Juju's default one. */
export async function actionFail(env: ToolEnv, message?: string): Promise<void> {
  await runTool('action-fail', message === undefined ? [] : ['--', message], env);
}

/** `action-log -- message`: a progress message, shown at once by `juju run`. */
export async function actionLog(env: ToolEnv, message: string): Promise<void> {
  await runTool('action-log', ['--', message], env);
}
