import * as v from 'valibot';
import { defineMethod, type PluginMethod } from '../plugin.js';

/** `config.get`: answered from the daemon's config cache (DMN-45), so it works outside hooks. */
export const configMethods: Readonly<Record<string, PluginMethod>> = {
  'config.get': defineMethod({
    params: v.object({ key: v.optional(v.string()) }),
    handler: ({ key }, { daemon }) => {
      const config = daemon.state.data.config;
      if (key === undefined) return { values: { ...config } };
      return { values: Object.hasOwn(config, key) ? { [key]: config[key] } : {} };
    },
  }),
};
