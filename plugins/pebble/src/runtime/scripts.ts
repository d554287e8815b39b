/**
 * The charm's `container_scripts/` in a workload container: pushed with Pebble's
 * files API to `/lucky/container_scripts`, in the workload's own filesystem. A
 * manifest pushed beside them (`/lucky/container_scripts.json`) says what is
 * there, so only changed files are pushed and a restarted pod (a fresh
 * filesystem) gets them all again.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { ErrorCode, LuckyError } from '@lucky/core';
import { PebbleError, type PebbleClient } from '../client/index.js';
import { WORKLOAD_SCRIPTS_DIR } from './paths.js';

const MANIFEST = `${WORKLOAD_SCRIPTS_DIR}.json`;

interface ScriptFile {
  readonly path: string;
  readonly executable: boolean;
  readonly sha256: string;
}

/** path (relative, `/`-separated) → "<mode>:<sha256>". */
type Manifest = Record<string, string>;

/** The charm's container scripts, relative paths with their mode and hash. */
async function localScripts(dir: string, prefix = ''): Promise<ScriptFile[]> {
  let names: string[];
  try {
    names = await readdir(join(dir, prefix));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files: ScriptFile[] = [];
  for (const name of names.sort()) {
    const relative = prefix ? posix.join(prefix, name) : name;
    const full = join(dir, relative);
    const info = await stat(full);
    if (info.isDirectory()) files.push(...(await localScripts(dir, relative)));
    else if (info.isFile()) {
      files.push({
        path: relative,
        executable: (info.mode & 0o111) !== 0,
        sha256: createHash('sha256')
          .update(await readFile(full))
          .digest('hex'),
      });
    }
  }
  return files;
}

function manifestOf(files: readonly ScriptFile[]): Manifest {
  const manifest: Manifest = {};
  for (const file of files) manifest[file.path] = `${file.executable ? '755' : '644'}:${file.sha256}`;
  return manifest;
}

async function remoteManifest(client: PebbleClient): Promise<Manifest | undefined> {
  try {
    return JSON.parse((await client.pull(MANIFEST)).toString('utf8')) as Manifest;
  } catch (error) {
    if (error instanceof PebbleError && (error.statusCode === 404 || error.kind === 'not-found')) return undefined;
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

/**
 * Makes `/lucky/container_scripts` in the container hold exactly the charm's
 * container scripts: pushes new and changed files, removes those the charm no
 * longer has. Returns whether anything was pushed or removed.
 */
export async function pushScripts(client: PebbleClient, charmDir: string, container: string): Promise<boolean> {
  const manifest = manifestOf(await localScripts(join(charmDir, 'container_scripts')));
  const there = (await remoteManifest(client)) ?? {};
  if (JSON.stringify(there) === JSON.stringify(manifest)) return false;
  try {
    await client.makeDir(WORKLOAD_SCRIPTS_DIR, { makeParents: true, permissions: 0o755 });
    for (const [path, entry] of Object.entries(manifest)) {
      if (there[path] === entry) continue;
      const permissions = entry.startsWith('755:') ? 0o755 : 0o644;
      const content = await readFile(join(charmDir, 'container_scripts', ...path.split('/')));
      await client.push(posix.join(WORKLOAD_SCRIPTS_DIR, path), content, { makeDirs: true, permissions });
    }
    for (const path of Object.keys(there)) {
      if (!Object.hasOwn(manifest, path)) await client.removePath(posix.join(WORKLOAD_SCRIPTS_DIR, path), { recursive: false }).catch(() => undefined);
    }
    await client.push(MANIFEST, Buffer.from(JSON.stringify(manifest)), { makeDirs: true, permissions: 0o644 });
  } catch (error) {
    throw new LuckyError(
      ErrorCode.ContainerFailed,
      `Could not push the charm's container_scripts/ to ${WORKLOAD_SCRIPTS_DIR} in container "${container}": ${(error as Error).message}`,
      { cause: error },
    );
  }
  return true;
}
