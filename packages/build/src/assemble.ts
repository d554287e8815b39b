import { constants } from 'node:fs';
import { chmod, copyFile, lstat, mkdir, open, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { THIN_CLIENT_FILE } from '@lucky/core';
import { ErrorCode, LuckyError } from '@lucky/errors';
import { fileMode, type CharmFile } from './charm-files.js';
import { charmcraftFiles, manifestYaml } from './generated-files.js';
import type { HookStubs } from './hook-stubs.js';
import { entryScript, launcherScript, type Architecture, type RuntimeKind } from './launcher.js';
import { packedNode } from './node-runtime.js';
import type { ValidCharm } from './validate.js';
import type { ZipEntry } from './zip-writer.js';

/** The Lucky runtime to put under `lucky/`. */
export interface RuntimeFiles {
  readonly kind: RuntimeKind;
  readonly architectures: readonly Architecture[];
  /** dist/runtime/lucky.cjs */
  readonly bundle: string;
  /** Per architecture, a directory with bin/node and LICENSE (bundled runtime only). */
  readonly nodes: ReadonlyMap<Architecture, string>;
}

/**
 * Writes the deployable charm directory `target`: the charm's files, generated
 * metadata (manifest.yaml; metadata.yaml & co. from charmcraft.yaml), fresh hook
 * stubs, and the runtime. Then gives every entry a fixed mode and time, and returns
 * the entries of the zip in path order.
 */
export async function assembleCharm(
  target: string,
  charm: ValidCharm,
  files: readonly CharmFile[],
  runtime: RuntimeFiles,
  stubs: HookStubs,
  mtime: Date,
): Promise<ZipEntry[]> {
  const put = async (path: string, write: (file: string) => Promise<void>, mode: number) => {
    const file = join(target, path);
    await mkdir(dirname(file), { recursive: true });
    await write(file);
    await chmod(file, mode);
  };
  const copy = (source: string) => (file: string) => copyFile(source, file, constants.COPYFILE_FICLONE);
  const text = (content: string) => (file: string) => writeFile(file, content);

  for (const file of files) await put(file.path, copyCharmFile(file), file.mode);
  if (charm.charmcraft) {
    const have = new Set(files.map((file) => file.path));
    for (const [path, content] of Object.entries(charmcraftFiles(charm.charmcraft))) if (!have.has(path)) await put(path, text(content), 0o644);
  }
  await put('manifest.yaml', text(manifestYaml(runtime.architectures)), 0o644);
  await stubs.writeHookStubs(target, charm.hookInput, charm.actions);

  await put('lucky/lucky.cjs', copy(runtime.bundle), 0o644);
  // The fast path the entry loads first; @lucky/cli's bundle-runtime script writes it next to the runtime bundle.
  await put('lucky/lucky-fast.cjs', copy(join(dirname(runtime.bundle), 'lucky-fast.cjs')), 0o644);
  await put('lucky/bin/lucky.cjs', text(entryScript()), 0o755);
  await put('lucky/bin/lucky', text(launcherScript(runtime.kind, runtime.architectures)), 0o755);
  // The thin client the launcher runs first (and the daemon's shim for scripts): bundle-runtime writes it next to the bundle.
  await put(`lucky/bin/${THIN_CLIENT_FILE}`, copy(join(dirname(runtime.bundle), THIN_CLIENT_FILE)), 0o644);
  for (const [arch, dir] of runtime.nodes) {
    await put(`lucky/node-${arch}/bin/node`, copy(join(dir, 'bin', 'node')), 0o755);
    await put(`lucky/node-${arch}/LICENSE`, copy(join(dir, 'LICENSE')), 0o644);
  }
  const entries = await normalize(target, mtime);
  // The Node binaries come deflated from the cache: deflating them is most of a build's time.
  const nodes = new Map([...runtime.nodes].map(([arch, dir]) => [`lucky/node-${arch}/bin/node`, dir]));
  return entries.map((entry) => {
    const dir = nodes.get(entry.name);
    return dir ? { ...entry, packed: () => packedNode(dir) } : entry;
  });
}

/**
 * Copies a charm file as collected: opens its real path without following a link
 * and checks it is the same file (device and inode) that was checked to be inside
 * the charm, so a link swapped in meanwhile cannot bring in a file from elsewhere.
 * Created with its final mode, never wider in between.
 */
function copyCharmFile(charmFile: CharmFile) {
  return async (file: string): Promise<void> => {
    const handle = await open(charmFile.source, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const info = await handle.stat();
      if (!info.isFile() || info.dev !== charmFile.dev || info.ino !== charmFile.ino) {
        throw new LuckyError(ErrorCode.BuildFailed, `${charmFile.path} changed while the charm was being built; build again.`);
      }
      await writeFile(file, await handle.readFile(), { mode: charmFile.mode });
    } finally {
      await handle.close();
    }
  };
}

/**
 * Gives every file its mode by `fileMode` (charm files keep the mode they were
 * written with; stubs, scripts and the launcher are 0755, generated files 0644),
 * every directory 0755, and every entry the same time, whatever the umask and the
 * clock; returns the zip entries sorted by path, each with the mode of its file.
 */
async function normalize(root: string, mtime: Date): Promise<ZipEntry[]> {
  const entries: ZipEntry[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const path = join(dir, name);
      const zipName = `${prefix}${name}`;
      const info = await lstat(path);
      if (info.isDirectory()) {
        entries.push({ name: `${zipName}/`, mode: 0o755 });
        await walk(path, `${zipName}/`);
        await chmod(path, 0o755);
      } else {
        const mode = fileMode(info.mode & 0o777, (info.mode & 0o111) !== 0);
        await chmod(path, mode);
        entries.push({ name: zipName, mode, read: () => readFile(path) });
      }
      await utimes(path, mtime, mtime);
    }
  };
  await walk(root, '');
  await utimes(root, mtime, mtime);
  // By full path (`lucky.yaml` before `lucky/…`), the order a sorted listing shows.
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
