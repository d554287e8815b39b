import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PluginEntry } from './config/schema.js';
import { ErrorCode, LuckyError } from './errors.js';
import type { Plugin } from './plugin.js';

/** A module that default-exports a plugin factory (or a plugin), as `import()` returns it. */
export type PluginModule = Record<string, unknown>;

/**
 * Loads one plugin named in `lucky.yaml`: the specifier is resolved from the charm
 * directory (a charm ships its plugins in its own node_modules), imported, and its
 * default-exported factory called with the entry's options. `builtins` holds
 * plugins Lucky carries itself (the docker runtime), loaded only when named.
 */
export async function loadPlugin(charmDir: string, entry: PluginEntry, builtins: Readonly<Record<string, () => Promise<PluginModule>>> = {}): Promise<Plugin> {
  const { specifier, options } = entry;
  const builtin = Object.hasOwn(builtins, specifier) ? builtins[specifier] : undefined;
  let where = 'built in';
  let module: PluginModule;
  if (builtin) {
    module = await builtin();
  } else {
    try {
      where = createRequire(join(charmDir, 'lucky.yaml')).resolve(specifier);
    } catch (error) {
      throw new LuckyError(
        ErrorCode.PluginFailed,
        `Cannot find the plugin "${specifier}" listed in lucky.yaml from ${charmDir}; install it in the charm (npm install ${specifier}).`,
        { cause: error },
      );
    }
    try {
      module = (await import(pathToFileURL(where).href)) as PluginModule;
    } catch (error) {
      throw new LuckyError(ErrorCode.PluginFailed, `The plugin "${specifier}" (${where}) failed to load: ${(error as Error).message}`, { cause: error });
    }
  }
  return instantiate(module, specifier, where, options);
}

async function instantiate(module: PluginModule, specifier: string, where: string, options: PluginEntry['options']): Promise<Plugin> {
  // ESM default export, or a CommonJS module.exports seen through import().
  let exported: unknown = module.default ?? module;
  if (typeof exported === 'object' && exported !== null && 'default' in exported) exported = exported.default;
  let plugin: unknown;
  try {
    plugin = typeof exported === 'function' ? await (exported as (o: unknown) => unknown)(options) : exported;
  } catch (error) {
    throw new LuckyError(ErrorCode.PluginFailed, `The plugin "${specifier}" (${where}) failed to start: ${(error as Error).message}`, { cause: error });
  }
  if (typeof plugin !== 'object' || plugin === null || typeof (plugin as { name?: unknown }).name !== 'string') {
    throw new LuckyError(
      ErrorCode.PluginFailed,
      `The plugin "${specifier}" (${where}) must default-export a factory returning an object with a string "name".`,
    );
  }
  return plugin as Plugin;
}
