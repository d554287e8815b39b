import type { LuckyConfig, ScriptKind } from './config/schema.js';
import type { ContainerRuntime } from './containers/runtime.js';
import { ErrorCode, LuckyError } from './errors.js';
import type { Plugin, ScriptRunner } from './plugin.js';
import { loadPlugin, type PluginModule } from './plugin-loader.js';

/** The plugins serving one unit, with the choices made among them. */
export interface PluginSet {
  /** In load order: built-ins, the charm's `plugins:`, then the runtime plugin if not listed. */
  readonly plugins: readonly Plugin[];
  /** The one runtime `lucky.yaml` selects, if any. */
  readonly runtime: ContainerRuntime | undefined;
  /** The runner of each script kind. */
  readonly runners: ReadonlyMap<ScriptKind, ScriptRunner>;
}

export interface PluginSources {
  /** Plugins every unit has, loaded first (the Juju bridge, the script runners, core's own). */
  readonly builtins: readonly Plugin[];
  /** Runtimes Lucky carries, by the name `runtime:` uses, imported only when selected. */
  readonly runtimes?: Readonly<Record<string, () => Promise<PluginModule>>>;
}

/**
 * Loads the charm's plugins and makes the choices explicit, so nothing is shadowed:
 * exactly one runtime (the one `runtime:` selects), one runner per script kind (a
 * charm plugin may replace a built-in runner, two charm plugins may not claim the
 * same kind), unique plugin names. Every conflict is an error naming both sides.
 */
export async function loadPluginSet(config: LuckyConfig, charmDir: string, sources: PluginSources): Promise<PluginSet> {
  const listed: Plugin[] = [];
  for (const entry of config.plugins) {
    // The runtime plugin listed under plugins: too is loaded once, with the options given in either place.
    const runtimeOptions = entry.specifier === config.runtime?.specifier && entry.options === undefined ? config.runtime.options : undefined;
    listed.push(await loadPlugin(charmDir, runtimeOptions === undefined ? entry : { ...entry, options: runtimeOptions }, sources.runtimes));
  }

  let runtimePlugin: Plugin | undefined;
  if (config.runtime) {
    const { specifier } = config.runtime;
    const index = config.plugins.findIndex((entry) => entry.specifier === specifier);
    if (index >= 0 && config.runtime.options !== undefined && config.plugins[index]!.options !== undefined) {
      throw new LuckyError(
        ErrorCode.ConfigInvalid,
        `${config.file}: "${specifier}" gets options both under runtime: and under plugins:; give them in one place.`,
      );
    }
    runtimePlugin = index >= 0 ? listed[index] : await loadPlugin(charmDir, config.runtime, sources.runtimes);
    if (!runtimePlugin?.runtime) {
      throw new LuckyError(
        ErrorCode.PluginFailed,
        `${config.file}: "runtime: ${specifier}" selects the plugin ${runtimePlugin?.name ?? specifier}, which provides no container runtime.`,
      );
    }
  }
  for (const plugin of listed) {
    if (plugin.runtime && plugin !== runtimePlugin) {
      throw new LuckyError(
        ErrorCode.PluginFailed,
        `${config.file}: the plugin ${plugin.name} provides a container runtime, but ${config.runtime ? `"runtime: ${config.runtime.specifier}" selects another` : 'no runtime is selected (use-docker: false)'}; a unit has exactly one runtime: select it with "runtime: ${plugin.name}" or remove it from plugins.`,
      );
    }
  }

  const plugins = [...sources.builtins, ...listed];
  if (runtimePlugin && !listed.includes(runtimePlugin)) plugins.push(runtimePlugin);
  const names = new Set<string>();
  for (const plugin of plugins) {
    if (names.has(plugin.name)) throw new LuckyError(ErrorCode.PluginFailed, `${config.file}: the plugin ${plugin.name} is loaded twice; list it once.`);
    names.add(plugin.name);
  }
  return {
    plugins,
    runtime: runtimePlugin?.runtime,
    runners: chooseRunners(sources.builtins, [...listed, ...(runtimePlugin && !listed.includes(runtimePlugin) ? [runtimePlugin] : [])]),
  };
}

function chooseRunners(builtins: readonly Plugin[], charmPlugins: readonly Plugin[]): Map<ScriptKind, ScriptRunner> {
  const runners = new Map<ScriptKind, ScriptRunner>();
  for (const plugin of builtins) for (const runner of plugin.runners ?? []) for (const kind of runner.kinds) runners.set(kind, runner);
  const claimedBy = new Map<ScriptKind, string>();
  for (const plugin of charmPlugins) {
    for (const runner of plugin.runners ?? []) {
      for (const kind of runner.kinds) {
        const other = claimedBy.get(kind);
        if (other) throw new LuckyError(ErrorCode.PluginFailed, `The plugins ${other} and ${plugin.name} both run "${kind}" entries; keep one of them.`);
        claimedBy.set(kind, plugin.name);
        runners.set(kind, runner);
      }
    }
  }
  return runners;
}
