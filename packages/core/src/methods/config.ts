import * as v from 'valibot';
import { defineMethod } from '../plugin.js';

/** `config.get`: answered from the daemon's config cache (DMN-45), so it works outside hooks. */
export const configMethods = {
  'config.get': defineMethod({
    container: true,
    params: v.object({ key: v.optional(v.string()) }),
    result: v.object({ values: v.record(v.string(), v.unknown()) }),
    handler: ({ key }, { daemon }) => {
      const config = daemon.state.data.config;
      if (key === undefined) return { values: { ...config } };
      return { values: Object.hasOwn(config, key) ? { [key]: config[key] } : {} };
    },
  }),
};
