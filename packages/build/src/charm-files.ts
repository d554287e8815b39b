import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** A file of the charm to copy: its path relative to the charm (with `/`), where it is, and its mode in the build. */
export interface CharmFile {
  readonly path: string;
  readonly source: string;
  readonly mode: 0o755 | 0o644;
}

/** Top-level entries that are never part of a built charm: VCS data, outputs, the simulator's models, and what the build writes itself. */
const ALWAYS_LEFT_OUT = new Set(['.git', 'build', '.lucky-sim', 'lucky', 'manifest.yaml']);
/** Directories whose files run: they are made executable whatever their mode in the source. */
const EXECUTABLE_DIRS = new Set(['host_scripts', 'container_scripts', 'bin', 'hooks', 'actions']);

export interface CollectOptions {
  /** Paths to leave out too (the output directory when it is inside the charm). */
  readonly leaveOut: ReadonlySet<string>;
  /** Keep `node_modules`: lucky.yaml loads plugins from the charm's own node_modules. */
  readonly keepNodeModules: boolean;
}

/**
 * The charm's files in a stable order (by path), following symbolic links (a link
 * that points nowhere is reported and skipped; a link back up the tree is not
 * followed twice). Empty directories are left out, as in a zip of files.
 */
export async function collectCharmFiles(root: string, options: CollectOptions, warn: (message: string) => void): Promise<CharmFile[]> {
  const files: CharmFile[] = [];
  const walk = async (dir: string, prefix: string, seen: ReadonlySet<string>): Promise<void> => {
    const names = (await readdir(dir)).sort();
    for (const name of names) {
      const path = prefix === '' ? name : `${prefix}/${name}`;
      if (options.leaveOut.has(path)) continue;
      if (prefix === '' && (ALWAYS_LEFT_OUT.has(name) || name.endsWith('.charm') || (name === 'node_modules' && !options.keepNodeModules))) continue;
      const source = join(dir, name);
      let info;
      try {
        info = await stat(source);
      } catch {
        warn(`${path}: skipped, it is a symbolic link to nothing`);
        continue;
      }
      if (info.isDirectory()) {
        const real = await realpath(source);
        if (seen.has(real)) continue;
        await walk(source, path, new Set([...seen, real]));
      } else if (info.isFile()) {
        const top = path.split('/')[0] ?? '';
        const executable = path === 'dispatch' || (EXECUTABLE_DIRS.has(top) && path !== top) || (info.mode & 0o111) !== 0;
        files.push({ path, source, mode: executable ? 0o755 : 0o644 });
      }
      // Sockets, FIFOs and devices have no place in a charm.
    }
  };
  await walk(root, '', new Set([await realpath(root)]));
  return files;
}
