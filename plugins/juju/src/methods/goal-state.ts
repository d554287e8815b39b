import * as v from 'valibot';
import { defineMethod } from '@lucky/core';
import { GoalStateSchema, goalState, goalStateYaml } from '../tools/goal-state.js';

/**
 * `goal-state.get`: the units of this application and of related applications as
 * Juju plans them. Containers may call it: it describes the model, not the host.
 */
export const goalStateMethods = {
  'goal-state.get': defineMethod({
    container: true,
    params: v.object({ yaml: v.optional(v.boolean(), false) }),
    result: v.object({ goalState: GoalStateSchema, yaml: v.optional(v.string()) }),
    handler: async ({ yaml }, ctx) => {
      const env = ctx.hook().env;
      const state = await goalState(env);
      return yaml ? { goalState: state, yaml: await goalStateYaml(env) } : { goalState: state };
    },
  }),
};
