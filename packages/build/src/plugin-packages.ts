import { existsSync, realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, posix, relative } from 'node:path';

/** What the build carries of `node_modules`: the plugins' packages and their production dependencies, by path in the charm. */
export interface PluginPackages {
  /** `node_modules/a`, `node_modules/a/node_modules/b`…: each a package directory to carry whole (but for its own node_modules). */
  readonly dirs: ReadonlySet<string>;
  /** One line per plugin that cannot be loaded from the charm, or dependency missing. */
  readonly problems: readonly string[];
}

interface Manifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/**
 * The packages a built charm needs to load `specifiers` (lucky.yaml's plugins, and a
 * runtime Lucky does not carry) as the daemon will, from the charm's own
 * node_modules: each plugin's package and, transitively, its `dependencies`,
 * `optionalDependencies` and installed `peerDependencies`, found the way Node finds
 * them from where they will be in the built charm (the package's own node_modules, then
 * each node_modules above it up to the charm's). devDependencies and everything else in
 * node_modules stay out. A plugin that does not resolve, or resolves only outside the
 * charm, is a problem for the build to refuse.
 */
export async function pluginPackages(root: string, specifiers: readonly string[]): Promise<PluginPackages> {
  const dirs = new Set<string>();
  const problems: string[] = [];
  const resolveFromCharm = createRequire(join(root, 'lucky.yaml'));

  /** Where `name` is found from the package directory `from` (charm-relative, `''` for the charm). */
  const find = (name: string, from: string): string | undefined => {
    let dir = from;
    for (;;) {
      const candidate = posix.join(dir, 'node_modules', name);
      if (existsSync(join(root, candidate, 'package.json'))) return candidate;
      if (dir === '') return undefined;
      // Up to the node_modules that holds this package, then the directory above that one.
      const cut = dir.lastIndexOf('/node_modules/');
      dir = cut < 0 ? '' : dir.slice(0, cut);
    }
  };
  const add = async (dir: string, via: string): Promise<void> => {
    if (dirs.has(dir)) return;
    dirs.add(dir);
    const manifest = JSON.parse(await readFile(join(root, dir, 'package.json'), 'utf8')) as Manifest;
    const needed = { ...manifest.dependencies, ...manifest.optionalDependencies };
    const optional = new Set(Object.keys(manifest.optionalDependencies ?? {}));
    for (const [peer] of Object.entries(manifest.peerDependencies ?? {})) {
      if (!(peer in needed)) {
        needed[peer] = '';
        // A peer is the user's to install: carried when it is there, never a problem here.
        optional.add(peer);
      }
    }
    for (const name of Object.keys(needed).sort()) {
      const found = find(name, dir);
      if (found) await add(found, via);
      else if (!optional.has(name))
        problems.push(
          `lucky.yaml: plugin "${via}" needs "${name}" (a dependency of ${dir}), which is not installed in the charm; run npm install in the charm`,
        );
    }
  };

  for (const specifier of specifiers) {
    const name = packageName(specifier);
    const dir = find(name, '');
    let resolved: string | undefined;
    try {
      resolved = resolveFromCharm.resolve(specifier);
    } catch {
      resolved = undefined;
    }
    if (!dir || !resolved) {
      problems.push(
        resolved
          ? `lucky.yaml: plugin "${specifier}" is found at ${resolved}, outside the charm's node_modules; a built charm carries only its own: install it in the charm (npm install ${name})`
          : `lucky.yaml: plugin "${specifier}" cannot be found from ${root}; install it in the charm (npm install ${name})`,
      );
      continue;
    }
    const inside = relative(realpathSync(join(root, dir)), resolved);
    if (inside.startsWith('..')) {
      problems.push(`lucky.yaml: plugin "${specifier}" resolves to ${resolved}, not inside ${dir}; install it in the charm (npm install ${name})`);
      continue;
    }
    await add(dir, specifier);
  }
  return { dirs, problems };
}

/** Whether the charm path `path` (under node_modules) is part of one of `dirs`, or a directory on the way to one. */
export function carriedModulePath(path: string, dirs: ReadonlySet<string>): boolean {
  for (const dir of dirs) {
    if (path === dir || dir.startsWith(`${path}/`)) return true;
    if (path.startsWith(`${dir}/`) && !path.slice(dir.length + 1).startsWith('node_modules')) return true;
  }
  return false;
}
