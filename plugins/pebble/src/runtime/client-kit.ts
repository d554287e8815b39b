/**
 * `lucky` inside a workload container. Kubernetes mounts nothing of the charm
 * container into a workload but the directory Juju shares with it, so the client
 * kit is placed there (`<shared>/lucky/`, `/charm/container/lucky/` inside): this
 * daemon's Node binary, its dynamic loader and shared libraries, the CLI entry with
 * the files it requires, and a `#!/bin/sh` wrapper `bin/lucky`. Files are copies
 * (reflinks where the filesystem can), made once: a manifest records what each was
 * made from. Never hard links: the workload can write to the shared directory, and
 * a write through a link would change the charm container's own Node. For the same
 * reason nothing the workload may have put there (a symlink) is followed.
 */
import { lstat, mkdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, posix, relative, resolve, sep } from 'node:path';
import { execa } from 'execa';
import { ErrorCode, LuckyError, type DaemonContext } from '@lucky/core';
import { shellQuote } from '@lucky/core/system';
import { parseLdd, type SharedLibraries } from '@lucky/plugin-docker';
import { WORKLOAD_LUCKY_DIR } from './paths.js';
import { copyInto, readRegular, realDirectory, writeInto } from './shared-writes.js';

/** One file of the kit: where it comes from on the charm side, where it goes under `<shared>/lucky/`. */
interface KitFile {
  readonly source: string;
  readonly target: string;
  readonly mode: number;
}

/** What the kit is made of, worked out once per daemon. */
export interface ClientKit {
  readonly files: readonly KitFile[];
  /** The wrapper's text (written, not linked). */
  readonly wrapper: string;
}

const MANIFEST = 'kit.json';

async function sharedLibraries(binary: string): Promise<SharedLibraries> {
  const result = await execa('ldd', [binary], { reject: false, stdin: 'ignore', env: { LC_ALL: 'C' } });
  if (result.failed && !/not a dynamic executable/.test(String(result.stdout) + String(result.stderr))) {
    const why = result.exitCode === undefined ? String(result.originalMessage ?? result.shortMessage) : `${result.stderr || result.stdout}`.trim();
    throw new LuckyError(ErrorCode.ContainerFailed, `Cannot place the lucky client in workload containers: ldd ${binary} failed: ${why}`);
  }
  return parseLdd(binary, String(result.stdout));
}

/** A literal `require('./…')` of a relative path. */
const REQUIRED = /\brequire\((['"])(\.\.?\/[^'"]+)\1\)/g;
/** Any quoted relative path to a `.js`/`.cjs` file: the entry may load its bundles through a helper (`load('../dist/…')`). */
const NAMED = /(['"])(\.\.?\/[^'"\s]+\.c?js)\1/g;

/** The CLI entry, every file it names by a relative path, and every file those require (the bundles `lucky` runs from). */
async function cliFiles(entry: string): Promise<string[]> {
  const root = dirname(dirname(entry));
  const files: string[] = [];
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.includes(file)) continue;
    files.push(file);
    const text = await readFile(file, 'utf8');
    for (const match of text.matchAll(file === entry ? NAMED : REQUIRED)) {
      const required = resolve(dirname(file), match[2]!);
      if (!required.startsWith(root + sep)) continue;
      const exists = await stat(required).then(
        (info) => info.isFile(),
        () => false,
      );
      if (exists) pending.push(required);
    }
  }
  return files;
}

/** Works out the kit from the daemon's Node and CLI. */
export async function describeClientKit(daemon: Pick<DaemonContext, 'nodePath' | 'cliPath'>): Promise<ClientKit> {
  const node = await realpath(daemon.nodePath);
  const entry = await realpath(daemon.cliPath);
  const cliRoot = dirname(dirname(entry));
  const files: KitFile[] = [{ source: node, target: 'runtime/node', mode: 0o755 }];
  for (const file of await cliFiles(entry)) files.push({ source: file, target: posix.join('cli', ...relative(cliRoot, file).split(sep)), mode: 0o644 });
  const { loader, libraries } = await sharedLibraries(node);
  const inside = (target: string) => posix.join(WORKLOAD_LUCKY_DIR, target);
  const entryInside = inside(posix.join('cli', ...relative(cliRoot, entry).split(sep)));
  let command: string;
  if (loader) {
    const seen = new Set<string>();
    for (const [name, path] of [[basename(loader), loader] as const, ...[...libraries].sort(([a], [b]) => a.localeCompare(b))]) {
      if (seen.has(name)) continue;
      seen.add(name);
      files.push({ source: await realpath(path), target: `runtime/lib/${name}`, mode: 0o755 });
    }
    command = `${inside(`runtime/lib/${basename(loader)}`)} --library-path ${inside('runtime/lib')} ${inside('runtime/node')} ${shellQuote(entryInside)}`;
  } else {
    command = `${inside('runtime/node')} ${shellQuote(entryInside)}`;
  }
  const wrapper = `#!/bin/sh\n# Written by the Lucky daemon: runs the charm's lucky client with the charm container's Node.\nexec ${command} "$@"\n`;
  return { files, wrapper };
}

interface Manifest {
  readonly [target: string]: { readonly source: string; readonly size: number; readonly mtimeMs: number };
}

async function readManifest(dir: string): Promise<Manifest> {
  try {
    return JSON.parse((await readRegular(join(dir, MANIFEST))) ?? '{}') as Manifest;
  } catch {
    return {};
  }
}

/**
 * Places the kit under `luckyDir` (`<shared>/lucky`): files whose source changed
 * since they were placed (or that are gone) are copied again, the rest
 * is left alone.
 */
export async function placeClientKit(kit: ClientKit, luckyDir: string): Promise<void> {
  const shared = dirname(luckyDir);
  await mkdir(shared, { recursive: true, mode: 0o755 });
  await realDirectory(shared, luckyDir);
  const manifest = await readManifest(luckyDir);
  const next: Record<string, Manifest[string]> = {};
  let changed = false;
  for (const file of kit.files) {
    const info = await stat(file.source);
    const record = { source: file.source, size: info.size, mtimeMs: info.mtimeMs };
    next[file.target] = record;
    const target = join(luckyDir, ...file.target.split('/'));
    const placed = manifest[file.target];
    await realDirectory(shared, dirname(target));
    const present = await lstat(target).then(
      (t) => t.isFile() && t.size === info.size,
      () => false,
    );
    if (present && placed?.source === record.source && placed.size === record.size && placed.mtimeMs === record.mtimeMs) continue;
    await copyInto(file.source, target, file.mode);
    changed = true;
  }
  const wrapper = join(luckyDir, 'bin', 'lucky');
  if ((await readRegular(wrapper)) !== kit.wrapper) {
    await realDirectory(shared, dirname(wrapper));
    await writeInto(wrapper, kit.wrapper, 0o755);
  }
  if (changed || Object.keys(manifest).length !== Object.keys(next).length) {
    await writeInto(join(luckyDir, MANIFEST), `${JSON.stringify(next, null, 1)}\n`, 0o644);
  }
}
