import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ErrorCode, LuckyError } from './errors.js';
import type { Plugin } from './plugin.js';

/**
 * Loads the `plugins:` of `lucky.yaml`: each specifier is resolved from the charm
 * directory (so a charm ships its plugins in its own node_modules), imported, and
 * its default-exported factory called with the entry's options.
 */
export async function loadPlugins(
  charmDir: string,
  entries: ReadonlyArray<{ readonly specifier: string; readonly options: Readonly<Record<string, unknown>> | undefined }>,
): Promise<Plugin[]> {
  const require = createRequire(join(charmDir, 'lucky.yaml'));
  const plugins: Plugin[] = [];
  for (const { specifier, options } of entries) {
    let resolved: string;
    try {
      resolved = require.resolve(specifier);
    } catch (error) {
      throw new LuckyError(ErrorCode.PluginFailed, `Cannot find the plugin "${specifier}" listed in lucky.yaml from ${charmDir}; install it in the charm (npm install ${specifier}).`, { cause: error });
    }
    let module: unknown;
    try {
      module = await import(pathToFileURL(resolved).href);
    } catch (error) {
      throw new LuckyError(ErrorCode.PluginFailed, `The plugin "${specifier}" (${resolved}) failed to load: ${(error as Error).message}`, { cause: error });
    }
    let exported = (module as { default?: unknown }).default ?? module;
    if (typeof exported === 'object' && exported !== null && 'default' in exported) exported = (exported as { default: unknown }).default;
    const plugin = typeof exported === 'function' ? await (exported as (o: unknown) => unknown)(options) : exported;
    if (typeof plugin !== 'object' || plugin === null || typeof (plugin as { name?: unknown }).name !== 'string') {
      throw new LuckyError(ErrorCode.PluginFailed, `The plugin "${specifier}" (${resolved}) must default-export a factory returning an object with a string "name".`);
    }
    plugins.push(plugin as Plugin);
  }
  return plugins;
}
