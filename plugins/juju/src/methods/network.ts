import * as v from 'valibot';
import { defineMethod } from '@lucky/core';
import { NetworkValueSchema, networkGet, networkGetText } from '../tools/network.js';

/**
 * `network.get`: `network-get` for a binding (an endpoint or extra-binding). Containers
 * may call it: it tells the unit's own addresses, which `address.private` already does.
 */
export const networkMethods = {
  'network.get': defineMethod({
    container: true,
    params: v.object({
      binding: v.pipe(v.string(), v.nonEmpty('the binding name is empty')),
      relationId: v.optional(v.string()),
      bindAddress: v.optional(v.boolean(), false),
      ingressAddress: v.optional(v.boolean(), false),
      egressSubnets: v.optional(v.boolean(), false),
      primaryAddress: v.optional(v.boolean(), false),
      /** Also return Juju's own rendering: `yaml`, or `smart` (its default). */
      text: v.optional(v.picklist(['yaml', 'smart'])),
    }),
    result: v.object({ value: NetworkValueSchema, text: v.optional(v.string()) }),
    handler: async ({ binding, text, ...options }, ctx) => {
      const env = ctx.hook().env;
      const value = await networkGet(env, binding, options);
      return text === undefined ? { value } : { value, text: await networkGetText(env, binding, options, text) };
    },
  }),
};
