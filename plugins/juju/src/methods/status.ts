import * as v from 'valibot';
import { defineMethod } from '@lucky/core';
import { applicationStatusSet, applicationVersionSet } from '../tools/status.js';

/**
 * The application's status and workload version, straight to Juju: unlike the
 * unit status they have no slots, the last call wins. Both are immediate in Juju
 * (they survive a failing hook). Safe for containers: they only describe the unit's own application.
 */
/** Juju's workload states that a charm may set. */
const WorkloadState = v.picklist(['active', 'waiting', 'maintenance', 'blocked']);

export const applicationStatusMethods = {
  'application.status.set': defineMethod({
    container: true,
    params: v.object({ state: WorkloadState, message: v.string() }),
    result: v.object({}),
    handler: async ({ state, message }, ctx) => {
      await applicationStatusSet(ctx.hook().env, state, message);
      return {};
    },
  }),
  'application.version.set': defineMethod({
    container: true,
    params: v.object({ version: v.string() }),
    result: v.object({}),
    handler: async ({ version }, ctx) => {
      await applicationVersionSet(ctx.hook().env, version);
      return {};
    },
  }),
};
