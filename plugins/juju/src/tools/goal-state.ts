import * as v from 'valibot';
import { parseToolJson, runTool, type ToolEnv } from './run.js';

const GoalStateStatus = v.object({ status: v.string(), since: v.optional(v.string()) });
const UnitsGoalState = v.record(v.string(), GoalStateStatus);

/** `goal-state`'s document: the application's units, and per endpoint the related applications and units. */
export const GoalStateSchema = v.object({
  units: v.nullable(UnitsGoalState),
  relations: v.nullable(v.record(v.string(), UnitsGoalState)),
});

export type GoalState = v.InferOutput<typeof GoalStateSchema>;

/** `goal-state --format=json`. */
export async function goalState(env: ToolEnv): Promise<GoalState> {
  return parseToolJson('goal-state', await runTool('goal-state', ['--format=json'], env), GoalStateSchema);
}

/** `goal-state --format=yaml`: Juju's own YAML rendering. */
export async function goalStateYaml(env: ToolEnv): Promise<string> {
  return runTool('goal-state', ['--format=yaml'], env);
}
