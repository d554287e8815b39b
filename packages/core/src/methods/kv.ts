import * as v from 'valibot';
import { defineMethod } from '../plugin.js';

/** Lucky's `key=value` key rule (CLI-08), enforced on the daemon side too. */
export const KeySchema = v.pipe(v.string(), v.regex(/^[a-zA-Z][a-zA-Z0-9_-]*$/, 'keys start with a letter and hold only letters, digits, "_" and "-"'));

const Empty = v.object({});

/** `kv.*`: the unit-local key/value store (CL-02, CL-03, GAP-30). */
export const kvMethods = {
  'kv.get': defineMethod({
    container: true,
    params: v.object({ key: v.string() }),
    result: v.object({ value: v.nullable(v.string()) }),
    handler: ({ key }, { daemon }) => ({ value: Object.hasOwn(daemon.state.data.kv, key) ? daemon.state.data.kv[key]! : null }),
  }),
  'kv.list': defineMethod({
    container: true,
    params: Empty,
    result: v.object({ values: v.record(v.string(), v.string()) }),
    handler: (_params, { daemon }) => ({ values: { ...daemon.state.data.kv } }),
  }),
  'kv.set': defineMethod({
    container: true,
    params: v.object({ values: v.record(KeySchema, v.nullable(v.string())) }),
    result: Empty,
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
    container: true,
    params: v.object({ keys: v.array(v.string()) }),
    result: Empty,
    handler: async ({ keys }, { daemon }) => {
      await daemon.state.mutate((state) => {
        for (const key of keys) delete state.kv[key];
      });
      return {};
    },
  }),
};
