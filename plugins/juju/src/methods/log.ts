import * as v from 'valibot';
import { defineMethod } from '@lucky/core';
import { jujuLog } from '../tools/log.js';

/** `log.write` (`juju-log`): a line in the unit's Juju log. Containers may log: it only writes to the unit's own log. */
export const logMethods = {
  'log.write': defineMethod({
    container: true,
    params: v.object({ level: v.optional(v.picklist(['TRACE', 'DEBUG', 'INFO', 'WARNING', 'ERROR']), 'INFO'), message: v.string() }),
    result: v.object({}),
    handler: async ({ level, message }, ctx) => {
      await jujuLog(ctx.hook().env, level, message);
      return {};
    },
  }),
};
