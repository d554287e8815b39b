import * as v from 'valibot';
import { defineMethod } from '@lucky/core';
import { resourceGet, unitGet } from '../tools/network.js';

/** Addresses and resources (CL-15…CL-17). */
export const unitMethods = {
  'address.private': defineMethod({
    container: true,
    params: v.object({}),
    result: v.object({ address: v.string() }),
    handler: async (_params, ctx) => ({ address: await unitGet(ctx.hook().env, 'private-address') }),
  }),
  'address.public': defineMethod({
    container: true,
    params: v.object({}),
    result: v.object({ address: v.string() }),
    handler: async (_params, ctx) => ({ address: await unitGet(ctx.hook().env, 'public-address') }),
  }),
  'resource.get': defineMethod({
    container: true,
    params: v.object({ name: v.pipe(v.string(), v.nonEmpty('the resource name is empty')) }),
    result: v.object({ path: v.string() }),
    handler: async ({ name }, ctx) => ({ path: await resourceGet(ctx.hook().env, name) }),
  }),
};
