import * as v from 'valibot';
import { defineMethod } from '../plugin.js';
import { StatusSlotSchema, WorkloadStateSchema } from '../state/schema.js';
import { consolidateStatus } from '../status.js';

const UnitStatus = v.object({ state: WorkloadStateSchema, message: v.string() });

/** `status.*`: named status slots and the consolidated unit status (DMN-30/31). */
export const statusMethods = {
  'status.set': defineMethod({
    container: true,
    params: v.object({ name: v.pipe(v.string(), v.nonEmpty('the status slot name is empty')), state: WorkloadStateSchema, message: v.string() }),
    result: UnitStatus,
    handler: async ({ name, state, message }, { daemon }) => {
      await daemon.setStatus(name, { state, message });
      return consolidateStatus(daemon.state.data.statuses);
    },
  }),
  'status.get': defineMethod({
    container: true,
    params: v.object({}),
    result: v.object({ ...UnitStatus.entries, slots: v.array(StatusSlotSchema) }),
    handler: (_params, { daemon }) => ({
      ...consolidateStatus(daemon.state.data.statuses),
      slots: daemon.state.data.statuses.map((slot) => ({ ...slot })),
    }),
  }),
};
