import * as v from 'valibot';
import { defineMethod, type PluginMethod } from '@lucky/core';
import { resourceGet, unitGet } from '../tools/network.js';

/** Addresses and resources (CL-15…CL-17). */
export const unitMethods: Readonly<Record<string, PluginMethod>> = {
  'address.private': defineMethod({
    params: v.object({}),
    handler: async (_params, ctx) => ({ address: await unitGet(ctx.hook().env, 'private-address') }),
  }),
  'address.public': defineMethod({
    params: v.object({}),
    handler: async (_params, ctx) => ({ address: await unitGet(ctx.hook().env, 'public-address') }),
  }),
  'resource.get': defineMethod({
    params: v.object({ name: v.pipe(v.string(), v.nonEmpty('the resource name is empty')) }),
    handler: async ({ name }, ctx) => ({ path: await resourceGet(ctx.hook().env, name) }),
  }),
};
