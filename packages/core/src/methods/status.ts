import * as v from 'valibot';
import { defineMethod, type Plugin, type PluginMethod } from '../plugin.js';
import { triggerPluginHook } from '../plugin-hooks.js';
import { WorkloadStateSchema } from '../state/schema.js';
import { consolidateStatus } from '../status.js';

/** `status.*`: named status slots and the consolidated unit status (DMN-30/31). */
export function statusMethods(plugins: () => readonly Plugin[]): Readonly<Record<string, PluginMethod>> {
  return {
    'status.set': defineMethod({
      params: v.object({ name: v.pipe(v.string(), v.nonEmpty('the status slot name is empty')), state: WorkloadStateSchema, message: v.string() }),
      handler: async ({ name, state, message }, { daemon }) => {
        await daemon.state.mutate((data) => {
          const slot = data.statuses.find((item) => item.name === name);
          if (slot) {
            slot.state = state;
            slot.message = message;
          } else {
            data.statuses.push({ name, state, message });
          }
        });
        const status = consolidateStatus(daemon.state.data.statuses);
        daemon.log.info(`Set status[${name}]: ${state}${message ? `: ${message}` : ''}`);
        await triggerPluginHook(plugins(), 'statusChanged', status, daemon.currentHook(), daemon);
        return status;
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
}
