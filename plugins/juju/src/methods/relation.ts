import * as v from 'valibot';
import { KeySchema, defineMethod } from '@lucky/core';
import { relationGet, relationIds, relationList, relationSet } from '../tools/relation.js';

/** `relation.*` (CL-05…CL-08), through `relation-get/set/ids/list` of the calling hook. */
export const relationMethods = {
  'relation.get': defineMethod({
    container: true,
    params: v.object({ relationId: v.optional(v.string()), unit: v.optional(v.string()), app: v.optional(v.boolean(), false), key: v.optional(v.string()) }),
    result: v.object({ values: v.record(v.string(), v.string()) }),
    handler: async (params, ctx) => ({ values: await relationGet(ctx.hook().env, params) }),
  }),
  'relation.set': defineMethod({
    container: true,
    params: v.object({ relationId: v.optional(v.string()), app: v.optional(v.boolean(), false), values: v.record(KeySchema, v.string()) }),
    result: v.object({}),
    handler: async (params, ctx) => {
      await relationSet(ctx.hook().env, params);
      return {};
    },
  }),
  'relation.list': defineMethod({
    container: true,
    params: v.object({ relationId: v.optional(v.string()) }),
    result: v.object({ units: v.array(v.string()) }),
    handler: async ({ relationId }, ctx) => ({ units: await relationList(ctx.hook().env, relationId) }),
  }),
  'relation.ids': defineMethod({
    container: true,
    params: v.object({ name: v.pipe(v.string(), v.nonEmpty('the relation name is empty')) }),
    result: v.object({ ids: v.array(v.string()) }),
    handler: async ({ name }, ctx) => ({ ids: await relationIds(ctx.hook().env, name) }),
  }),
};
