import { ErrorCode, LuckyError, isLuckyError } from './errors.js';
import type { CoreHooks, Plugin } from './plugin.js';

type HookName = keyof CoreHooks;
type HookArgs<K extends HookName> = Parameters<NonNullable<CoreHooks[K]>>;

/**
 * Runs a lifecycle hook on every plugin in load order, one at a time (Juju hooks
 * must be deterministic). A plugin's non-Lucky error is wrapped so the message
 * names the plugin and the hook.
 */
export async function triggerPluginHook<K extends HookName>(plugins: readonly Plugin[], name: K, ...args: HookArgs<K>): Promise<void> {
  for (const plugin of plugins) {
    const fn = plugin.hooks?.[name] as ((...a: HookArgs<K>) => Promise<void> | void) | undefined;
    if (!fn) continue;
    try {
      await fn.apply(plugin.hooks, args);
    } catch (error) {
      if (isLuckyError(error)) throw error;
      throw new LuckyError(
        ErrorCode.PluginFailed,
        `The plugin ${plugin.name} failed in its ${name} hook: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }
}
