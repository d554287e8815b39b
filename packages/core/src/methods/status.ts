import * as v from 'valibot';
import { defineMethod, type PluginMethod } from '../plugin.js';
import { WorkloadStateSchema } from '../state/schema.js';
import { consolidateStatus } from '../status.js';

/** `status.*`: named status slots and the consolidated unit status (DMN-30/31). */
export const statusMethods: Readonly<Record<string, PluginMethod>> = {
  'status.set': defineMethod({
    params: v.object({ name: v.pipe(v.string(), v.nonEmpty('the status slot name is empty')), state: WorkloadStateSchema, message: v.string() }),
    handler: async ({ name, state, message }, { daemon }) => {
      await daemon.setStatus(name, { state, message });
      return consolidateStatus(daemon.state.data.statuses);
    },
  }),
  'status.get': defineMethod({
    params: v.object({}),
    handler: (_params, { daemon }) => ({
      ...consolidateStatus(daemon.state.data.statuses),
      slots: daemon.state.data.statuses.map((slot) => ({ ...slot })),
    }),
  }),
};
