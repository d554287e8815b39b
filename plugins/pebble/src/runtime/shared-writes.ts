/**
 * Writes of the charm side into a workload container's shared directory. The workload
 * can write there too (as root, usually), so anything in it may be a symlink planted
 * to point at a file of the charm side (of the host, in the simulator): directories
 * are checked without following links, and files are created exclusively and renamed
 * into place, so a write never goes through a link the workload made.
 */
import { constants } from 'node:fs';
import { copyFile, lstat, mkdir, open, rename, rm, unlink } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';

let sequence = 0;

/**
 * Makes `<root>/<sub>` a real directory, component by component: a component that is
 * a symlink or a file (the workload's doing) is removed, never followed.
 */
export async function realDirectory(root: string, dir: string): Promise<void> {
  const rel = relative(root, dir);
  if (rel.startsWith('..') || rel.startsWith(sep)) throw new Error(`${dir} is not under ${root}`);
  let current = root;
  for (const part of rel === '' ? [] : rel.split(sep)) {
    current = join(current, part);
    const info = await lstat(current).catch(() => undefined);
    if (info?.isDirectory()) continue;
    if (info) await unlink(current);
    await mkdir(current, { mode: 0o755 }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
    if (!(await lstat(current)).isDirectory()) throw new Error(`${current} changed while it was being made a directory`);
  }
}

/** A temporary name beside `target`, created exclusively by `create` (which must fail if it exists), then renamed over `target`. */
async function replaceWith(target: string, mode: number, create: (temp: string) => Promise<void>): Promise<void> {
  const temp = join(dirname(target), `.${process.pid}.${sequence++}.tmp`);
  try {
    await create(temp);
    // Through a handle opened without following links: the workload may have swapped the name meanwhile.
    const handle = await open(temp, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      await handle.chmod(mode);
    } finally {
      await handle.close();
    }
    // rename() replaces a symlink at `target` itself, never what it points to.
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
}

/** Copies `source` to `target` (a reflink where the filesystem can), atomically and without following links. */
export function copyInto(source: string, target: string, mode: number): Promise<void> {
  return replaceWith(target, mode, (temp) => copyFile(source, temp, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE));
}

/** Writes `data` to `target`, atomically and without following links. */
export function writeInto(target: string, data: string, mode: number): Promise<void> {
  return replaceWith(target, mode, async (temp) => {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(data);
    } finally {
      await handle.close();
    }
  });
}

/** Reads `target` only if it is a regular file (not a link the workload planted); undefined otherwise. */
export async function readRegular(target: string): Promise<string | undefined> {
  const handle = await open(target, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(() => undefined);
  if (!handle) return undefined;
  try {
    return (await handle.stat()).isFile() ? await handle.readFile('utf8') : undefined;
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}
