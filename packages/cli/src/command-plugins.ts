import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandClass, Plugin } from '@lucky/core';
import { ErrorCode, LuckyError } from '@lucky/errors';
import { BUILTIN_RUNTIMES } from './builtin-runtimes.js';
import { commandKit } from './command-kit.js';

/**
 * Development commands that live in the packages owning them, by first word. They
 * are loaded by a variable specifier so that no bundler pulls them into `lucky`'s
 * script-facing path, and a charm's runtime (which has neither) says so.
 */
const DEVELOPMENT_PLUGINS: Readonly<Record<string, { readonly module: string; readonly what: string }>> = {
  sim: { module: '@lucky/testing/commands', what: 'the local model simulator' },
  charm: { module: '@lucky/build', what: 'the charm builder' },
};

export function isDevelopmentWord(word: string | undefined): boolean {
  return word !== undefined && Object.hasOwn(DEVELOPMENT_PLUGINS, word);
}

/** The commands of the development plugin for `word` (`sim`, `charm`). */
export async function developmentCommands(word: string, optional = false): Promise<readonly CommandClass[]> {
  const entry = DEVELOPMENT_PLUGINS[word];
  if (!entry) return [];
  let module: { default: () => Plugin };
  try {
    module = (await import(entry.module)) as { default: () => Plugin };
  } catch (error) {
    if (optional) return [];
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw error;
    throw new LuckyError(
      ErrorCode.PluginFailed,
      `"lucky ${word}" is ${entry.what}, which is not part of this lucky (a charm's own Lucky runtime leaves it out); run it with the lucky of your development machine (npm install -D @lucky/cli).`,
    );
  }
  return module.default().commands?.(commandKit) ?? [];
}

/**
 * The commands of the plugins the charm lists in `lucky.yaml` (and of its runtime),
 * so scripts can call a plugin's methods as `lucky <plugin command>`. The charm is
 * `JUJU_CHARM_DIR` (set in hooks and scripts), else the current directory if it has
 * a `lucky.yaml`; without one there are none.
 */
export async function charmPluginCommands(env: NodeJS.ProcessEnv): Promise<readonly CommandClass[]> {
  const charmDir = env.JUJU_CHARM_DIR || (existsSync(join(process.cwd(), 'lucky.yaml')) ? process.cwd() : undefined);
  if (!charmDir) return [];
  const { loadLuckyConfig, loadPlugin } = await import('@lucky/core');
  const config = loadLuckyConfig(charmDir);
  const entries = [...config.plugins];
  if (config.runtime && !entries.some((entry) => entry.specifier === config.runtime?.specifier)) entries.push(config.runtime);
  const commands: CommandClass[] = [];
  for (const entry of entries) {
    const plugin = await loadPlugin(charmDir, entry, BUILTIN_RUNTIMES);
    commands.push(...(plugin.commands?.(commandKit) ?? []));
  }
  return commands;
}
