import { realpath, mkdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { execa } from 'execa';
import { ErrorCode, LuckyError, type DaemonContext } from '@lucky/core';
import { writeFileAtomic } from '@lucky/core/system';
import type { Mount } from './mounts.js';

/** On every container's PATH; holds the `lucky` wrapper. */
export const KIT_BIN = '/lucky/bin';
const RUNTIME = '/lucky/runtime';
const LIB = `${RUNTIME}/lib`;
const NODE = `${RUNTIME}/node`;
const CLI = '/lucky/cli';

/** What `ldd` says the Node binary needs. */
export interface SharedLibraries {
  /** The dynamic loader (`/lib64/ld-linux-x86-64.so.2`), or undefined for a static binary. */
  readonly loader: string | undefined;
  /** soname → host path. */
  readonly libraries: ReadonlyMap<string, string>;
}

/** Parses `ldd` output; refuses a binary with a library that is not found. */
export function parseLdd(binary: string, output: string): SharedLibraries {
  let loader: string | undefined;
  const libraries = new Map<string, string>();
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    if (line === '' || /statically linked|not a dynamic executable/.test(line)) continue;
    const mapped = /^(\S+)\s+=>\s+(.*?)(?:\s+\(0x[0-9a-f]+\))?$/.exec(line);
    if (mapped) {
      const [, soname = '', target = ''] = mapped;
      if (target === 'not found') {
        throw new LuckyError(ErrorCode.ContainerFailed, `Cannot mount the lucky client into containers: ${binary} needs ${soname}, which ldd cannot find`);
      }
      if (target.startsWith('/')) libraries.set(soname, target);
      continue;
    }
    const direct = /^(\/\S+)(?:\s+\(0x[0-9a-f]+\))?$/.exec(line);
    if (direct?.[1]) {
      if (/\/ld-[^/]*\.so/.test(direct[1])) loader = direct[1];
      else libraries.set(basename(direct[1]), direct[1]);
    }
    // `linux-vdso.so.1 (0x…)` is provided by the kernel: nothing to mount.
  }
  return { loader, libraries };
}

async function sharedLibraries(binary: string): Promise<SharedLibraries> {
  const result = await execa('ldd', [binary], { reject: false, stdin: 'ignore', env: { LC_ALL: 'C' } });
  if (result.failed && !/not a dynamic executable/.test(String(result.stdout) + String(result.stderr))) {
    const why = result.exitCode === undefined ? String(result.originalMessage ?? result.shortMessage) : `${result.stderr || result.stdout}`.trim();
    throw new LuckyError(ErrorCode.ContainerFailed, `Cannot mount the lucky client into containers: ldd ${binary} failed: ${why}`);
  }
  return parseLdd(binary, String(result.stdout));
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Writes `<dataDir>/container-kit/bin/lucky` if it is not already that text; returns its directory. */
async function writeWrapper(dataDir: string, text: string): Promise<string> {
  const dir = join(dataDir, 'container-kit', 'bin');
  const file = join(dir, 'lucky');
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const current = await readFile(file, 'utf8').catch(() => undefined);
  if (current !== text) {
    // Atomic: containers of the unit may be running the old one.
    await writeFileAtomic(file, text, { mode: 0o755, durable: false });
  }
  return dir;
}

/**
 * The mounts that make `lucky` work in any image, even one with neither Node nor
 * glibc: this daemon's Node binary, its dynamic loader and every shared library
 * it needs under /lucky/runtime, the CLI package under /lucky/cli, and a
 * `#!/bin/sh` wrapper /lucky/bin/lucky that runs the CLI through that loader.
 */
export async function buildClientKit(daemon: Pick<DaemonContext, 'nodePath' | 'cliPath' | 'dataDir'>): Promise<Mount[]> {
  const node = await realpath(daemon.nodePath);
  // Resolve first: the daemon may have been started through a node_modules/.bin symlink.
  const cliFile = await realpath(daemon.cliPath);
  const cliDir = dirname(dirname(cliFile));
  const entry = `${CLI}/${relative(cliDir, cliFile)}`;
  const { loader, libraries } = await sharedLibraries(node);
  const mounts: Mount[] = [
    { source: node, target: NODE, readOnly: true },
    { source: cliDir, target: CLI, readOnly: true },
  ];
  const seen = new Set<string>();
  const add = async (name: string, path: string) => {
    const target = `${LIB}/${name}`;
    if (seen.has(target)) return;
    seen.add(target);
    mounts.push({ source: await realpath(path), target, readOnly: true });
  };
  let command: string;
  if (loader) {
    await add(basename(loader), loader);
    for (const [name, path] of [...libraries].sort(([a], [b]) => a.localeCompare(b))) await add(name, path);
    command = `${LIB}/${basename(loader)} --library-path ${LIB} ${NODE} ${shellQuote(entry)}`;
  } else {
    command = `${NODE} ${shellQuote(entry)}`;
  }
  const wrapper = `#!/bin/sh\n# Written by the Lucky daemon: runs the host's lucky client with the host's Node.\nexec ${command} "$@"\n`;
  mounts.push({ source: await writeWrapper(daemon.dataDir, wrapper), target: KIT_BIN, readOnly: true });
  return mounts;
}

/** One kit per daemon context, built once. */
export class ClientKitCache {
  private readonly kits = new WeakMap<object, Promise<Mount[]>>();

  get(daemon: Pick<DaemonContext, 'nodePath' | 'cliPath' | 'dataDir'>): Promise<Mount[]> {
    let kit = this.kits.get(daemon);
    if (!kit) {
      kit = buildClientKit(daemon);
      this.kits.set(daemon, kit);
      kit.catch(() => this.kits.delete(daemon));
    }
    return kit;
  }
}
