import { lstat, readdir, readlink, realpath, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ErrorCode, LuckyError } from '@lucky/errors';
import type { Ignored } from './jujuignore.js';
import { carriedModulePath } from './plugin-packages.js';

/** A file of the charm to copy: its path relative to the charm (with `/`), where it is, and its mode in the build. */
export interface CharmFile {
  readonly path: string;
  /** The file's real path (every symbolic link resolved): always inside the charm directory. */
  readonly source: string;
  /** Its device and inode when it was collected: the copy checks that it reads this very file. */
  readonly dev: number;
  readonly ino: number;
  /** See `fileMode`: never wider than the source. */
  readonly mode: number;
}

/** Top-level entries that are never part of a built charm: VCS data, outputs, the simulator's models, and what the build writes itself. */
const ALWAYS_LEFT_OUT = new Set(['.git', 'build', '.lucky-sim', 'lucky', 'manifest.yaml']);
/** Directories whose files run: they are made executable whatever their mode in the source (by whoever may read them, see `fileMode`). */
const EXECUTABLE_DIRS = new Set(['host_scripts', 'container_scripts', 'bin', 'hooks', 'actions']);
/** As the kernel (Linux' MAXSYMLINKS): more links in a chain than this is a loop. */
const MAX_LINK_HOPS = 40;

export interface CollectOptions {
  /** Paths to leave out too (the output directory when it is inside the charm). */
  readonly leaveOut: ReadonlySet<string>;
  /** What to carry of `node_modules` (lucky.yaml loads plugins from the charm's own): package directories, see `pluginPackages`; empty for none. */
  readonly modules: ReadonlySet<string>;
  /** `.jujuignore` (with Juju's defaults), see `loadJujuIgnore`: what it matches is left out. */
  readonly ignored?: Ignored;
}

/**
 * The mode of a charm file in the build directory and in the zip, from its mode in
 * the source (`perms`, already narrowed by the directories above it, see
 * `collectCharmFiles`). The rule: never wider than the source, for group and others.
 *
 * - The owner may always read and write (the owner of a deployed charm is root).
 * - Group and others keep read permission only where the source gives it: a 0600
 *   `secrets.txt` stays 0600 (it is packed, not refused: a charm author with
 *   umask 077 gets a working charm, and a file kept private in the source stays
 *   private; Juju runs the charm as root, which reads it). Write permission for
 *   group and others, setuid, setgid and sticky bits are dropped.
 * - An executable file (any execute bit in the source; `dispatch`; anything under
 *   host_scripts/, container_scripts/, bin/, hooks/ or actions/, as the original
 *   Lucky did) gets execute permission exactly where it has read permission:
 *   0644 becomes 0755, 0640 becomes 0750, 0600 becomes 0700.
 *
 * Applied to its own result it gives the same mode, so the build directory and the
 * zip agree.
 */
export function fileMode(perms: number, executable: boolean): number {
  const mode = 0o600 | (perms & 0o044);
  return executable ? mode | ((mode & 0o444) >> 2) : mode;
}

/**
 * The charm's files in a stable order (by path). Empty directories are left out, as
 * in a zip of files.
 *
 * Symbolic links: a link whose target, resolved fully (through chains of links), is
 * inside the charm directory is packed as what it points to: the file's content (with
 * the mode of the file it points to) or the directory's files, copied, in the build
 * directory and in the zip alike (the built charm holds no links). A link back up the
 * tree (a directory that contains the link) is reported and not followed, so link
 * cycles cannot loop. A link to nothing is reported and skipped. A link that leads
 * outside the charm directory, or a dangling one that would, is a problem: it is
 * never followed (a link to `/root` fails at once), every such link is collected,
 * and the build fails with one `<path>: <reason>` per link before anything is written.
 * That holds in `node_modules` too: a built charm must be self-contained, so links
 * into a workspace or a package store outside the charm are refused with a hint to
 * install copies.
 *
 * Modes follow `fileMode`; a directory that others (or the group) cannot enter in
 * the source (e.g. 0700) takes their read permission from every file below it, since
 * the build directory and the zip give every directory 0755. The charm directory
 * itself does not count (a charm under a private home directory is not private).
 */
export async function collectCharmFiles(root: string, options: CollectOptions, warn: (message: string) => void): Promise<CharmFile[]> {
  const realRoot = await realpath(root);
  const files: CharmFile[] = [];
  const problems: string[] = [];
  const reaches = new Map<string, Promise<number>>();
  /** Who can get to the inside of a real directory of the charm: the permission bits that survive the directories on its way. */
  const reachOf = (dir: string): Promise<number> => {
    let reach = reaches.get(dir);
    if (!reach) {
      reach = dir === realRoot ? Promise.resolve(0o777) : Promise.all([reachOf(dirname(dir)), stat(dir)]).then(([above, info]) => above & dirReach(info.mode));
      reaches.set(dir, reach);
    }
    return reach;
  };

  /** `dir` is a real path inside the charm; `reach` narrows modes by the directories walked through to get there. */
  const walk = async (dir: string, prefix: string, reach: number, seen: ReadonlySet<string>): Promise<void> => {
    const names = (await readdir(dir)).sort();
    for (const name of names) {
      const path = prefix === '' ? name : `${prefix}/${name}`;
      if (options.leaveOut.has(path)) continue;
      if (prefix === '' && (ALWAYS_LEFT_OUT.has(name) || name.endsWith('.charm'))) continue;
      // Of node_modules, only the plugins' packages and their production dependencies.
      if ((path === 'node_modules' || path.startsWith('node_modules/')) && !carriedModulePath(path, options.modules)) continue;
      let source = join(dir, name);
      let info = await lstat(source);
      // A link ignored by name is left out before it is followed: an ignored link out of the charm is no problem.
      if (options.ignored?.(path, info.isDirectory())) continue;
      if (info.isSymbolicLink()) {
        const link = await followLink(source, realRoot);
        if (link.kind === 'outside') {
          problems.push(outsideProblem(path, link.text, link.target));
          continue;
        }
        if (link.kind === 'nothing') {
          warn(`${path}: skipped, it is a symbolic link to nothing`);
          continue;
        }
        source = link.real;
        info = await stat(source);
        if (info.isDirectory() && options.ignored?.(path, true)) continue;
      }
      if (info.isDirectory()) {
        if (seen.has(source)) {
          warn(`${path}: skipped, it is a symbolic link to a directory that contains it`);
          continue;
        }
        await walk(source, path, reach & (await reachOf(source)), new Set([...seen, source]));
      } else if (info.isFile()) {
        const top = path.split('/')[0] ?? '';
        const executable = path === 'dispatch' || (EXECUTABLE_DIRS.has(top) && path !== top) || (info.mode & 0o111) !== 0;
        const perms = info.mode & reach & (await reachOf(dirname(source)));
        files.push({ path, source, dev: info.dev, ino: info.ino, mode: fileMode(perms, executable) });
      }
      // Sockets, FIFOs and devices have no place in a charm.
    }
  };
  await walk(realRoot, '', 0o777, new Set([realRoot]));
  if (problems.length > 0) {
    const message = problems.length === 1 ? (problems[0] as string) : `${problems.length} problems:\n${problems.join('\n')}`;
    throw new LuckyError(ErrorCode.BuildFailed, message, { data: { problems } });
  }
  return files;
}

/** The permission bits a directory lets through to what is below it: the owner's always, the group's and others' if they may enter it. */
function dirReach(mode: number): number {
  return 0o700 | (mode & 0o010 ? 0o070 : 0) | (mode & 0o001 ? 0o007 : 0);
}

type Followed =
  | { readonly kind: 'inside'; readonly real: string }
  | { readonly kind: 'outside'; readonly text: string; readonly target: string }
  | { readonly kind: 'nothing' };

/** Where a symbolic link leads, resolved fully; `nothing` for a link to nothing (or a loop of links) that stays inside the charm. */
async function followLink(link: string, root: string): Promise<Followed> {
  const text = await readlink(link);
  try {
    const real = await realpath(link);
    return within(root, real) ? { kind: 'inside', real } : { kind: 'outside', text, target: real };
  } catch {
    // Dangling, a loop of links, or not ours to read: follow it one link at a time to see where it leads.
  }
  let current = link;
  for (let hop = 0; hop < MAX_LINK_HOPS; hop++) {
    const next = await readlink(current);
    const where = await realPrefix(next.startsWith('/') ? next : `${dirname(current)}/${next}`);
    if (!within(root, where)) return { kind: 'outside', text, target: where };
    const info = await lstat(where).catch(() => undefined);
    if (!info?.isSymbolicLink()) return { kind: 'nothing' };
    current = where;
  }
  return { kind: 'nothing' };
}

/** `path` with its longest existing beginning resolved by the kernel (links and `..` included); the rest, which does not exist, joined to it. */
async function realPrefix(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    const cut = path.lastIndexOf('/');
    if (cut < 0) return path;
    return join(await realPrefix(path.slice(0, cut) || '/'), path.slice(cut + 1));
  }
}

function within(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith('/') ? root : `${root}/`);
}

function outsideProblem(path: string, text: string, target: string): string {
  const where = text === target ? `"${text}"` : `"${text}" (${target})`;
  const fix = path.split('/').includes('node_modules')
    ? "a built charm must be self-contained: install the charm's dependencies so that node_modules holds copies, not links (`npm install --install-links`, or outside a workspace)"
    : 'a built charm must not carry files from elsewhere: copy what it needs into the charm, or remove the link';
  return `${path}: a symbolic link to ${where}, outside the charm directory: ${fix}`;
}
