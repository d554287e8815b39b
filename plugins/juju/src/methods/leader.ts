import * as v from 'valibot';
import { KeySchema, defineMethod } from '@lucky/core';
import { isLeader, leaderGet, leaderSet } from '../tools/leader.js';

/** `leader.*` (CL-09…CL-11), through `is-leader`, `leader-get`, `leader-set`. */
export const leaderMethods = {
  'leader.is': defineMethod({
    container: true,
    params: v.object({}),
    result: v.object({ leader: v.boolean() }),
    handler: async (_params, ctx) => ({ leader: await isLeader(ctx.hook().env) }),
  }),
  'leader.get': defineMethod({
    container: true,
    params: v.object({ key: v.optional(v.string()) }),
    result: v.object({ values: v.record(v.string(), v.string()) }),
    handler: async ({ key }, ctx) => ({ values: await leaderGet(ctx.hook().env, key) }),
  }),
  'leader.set': defineMethod({
    container: true,
    params: v.object({ values: v.record(KeySchema, v.string()) }),
    result: v.object({}),
    handler: async ({ values }, ctx) => {
      await leaderSet(ctx.hook().env, values);
      return {};
    },
  }),
};
