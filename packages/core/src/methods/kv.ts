import * as v from 'valibot';
import { defineMethod, type PluginMethod } from '../plugin.js';

/** Lucky's `key=value` key rule (CLI-08), enforced on the daemon side too. */
export const KeySchema = v.pipe(v.string(), v.regex(/^[a-zA-Z][a-zA-Z0-9_-]*$/, 'keys start with a letter and hold only letters, digits, "_" and "-"'));

/** `kv.*`: the unit-local key/value store (CL-02, CL-03, GAP-30). */
export const kvMethods: Readonly<Record<string, PluginMethod>> = {
  'kv.get': defineMethod({
    params: v.object({ key: v.string() }),
    handler: ({ key }, { daemon }) => ({ value: Object.hasOwn(daemon.state.data.kv, key) ? daemon.state.data.kv[key] : null }),
  }),
  'kv.list': defineMethod({
    params: v.object({}),
    handler: (_params, { daemon }) => ({ values: { ...daemon.state.data.kv } }),
  }),
  'kv.set': defineMethod({
    params: v.object({ values: v.record(KeySchema, v.nullable(v.string())) }),
    handler: async ({ values }, { daemon }) => {
      await daemon.state.mutate((state) => {
        for (const [key, value] of Object.entries(values)) {
          if (value === null || value === '') delete state.kv[key];
          else state.kv[key] = value;
        }
      });
      return {};
    },
  }),
  'kv.delete': defineMethod({
    params: v.object({ keys: v.array(v.string()) }),
    handler: async ({ keys }, { daemon }) => {
      await daemon.state.mutate((state) => {
        for (const key of keys) delete state.kv[key];
      });
      return {};
    },
  }),
};
