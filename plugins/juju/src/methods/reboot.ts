import * as v from 'valibot';
import { defineMethod } from '@lucky/core';
import { jujuReboot } from '../tools/reboot.js';

/** `unit.reboot` (`juju-reboot`). Host only: it reboots the machine, far beyond a container. */
export const rebootMethods = {
  'unit.reboot': defineMethod({
    params: v.object({ now: v.optional(v.boolean(), false) }),
    result: v.object({}),
    handler: async ({ now }, ctx) => {
      await jujuReboot(ctx.hook().env, now);
      return {};
    },
  }),
};
