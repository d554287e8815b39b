// `@lucky/core/testing`: for plugin authors' tests.
export { createPluginTestContext, type PluginTestContext, type PluginTestContextOptions } from './plugin-context.js';
export { StateSchema } from '../state/schema.js';
