import { createHash } from 'node:crypto';
import { closeSync, existsSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, realpathSync, statSync } from 'node:fs';
import { chmod, copyFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { ErrorCode, LuckyError } from '@lucky/errors';

/** The workload user the charm runs the service as. */
export const WORKLOAD_USER = { name: 'httpreq', uid: 584792, gid: 584792, home: '/var/lib/httpreq' } as const;

/** One entry of the image's root filesystem. */
export type Entry =
  | { readonly kind: 'copy'; readonly path: string; readonly source: string; readonly mode?: number }
  | { readonly kind: 'file'; readonly path: string; readonly content: string | Uint8Array; readonly mode: number }
  | { readonly kind: 'link'; readonly path: string; readonly target: string }
  | { readonly kind: 'dir'; readonly path: string; readonly mode: number };

function isElf(file: string): boolean {
  const buffer = Buffer.alloc(4);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  return buffer.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
}

/** The shared libraries `ldd` lists for an ELF file (absolute paths; the vDSO has none). */
export async function sharedLibraries(file: string): Promise<string[]> {
  const result = await execa('ldd', [file], { reject: false });
  if (result.exitCode !== 0) return []; // "not a dynamic executable": static, nothing to add
  const libs: string[] = [];
  for (const line of String(result.stdout).split('\n')) {
    const match = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (match?.[1]) libs.push(match[1]);
    else if (/not found/.test(line)) throw new LuckyError(ErrorCode.BuildFailed, `${file} needs a library this machine lacks: ${line.trim()}.`);
  }
  return libs;
}

async function which(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
    const file = join(dir, name);
    if (dir !== '' && existsSync(file)) return realpathSync(file);
  }
  return undefined;
}

/** Debian packages whose files go into the image, and the program each one provides. */
export const HOST_PACKAGES: Readonly<Record<string, string>> = {
  git: 'git',
  ssh: 'openssh-client',
  'ssh-keyscan': 'openssh-client',
  busybox: 'busybox-static',
};

/** Installs git, openssh-client and busybox-static with apt-get when one of their programs is missing. */
export async function ensureHostPackages(): Promise<void> {
  const missing = new Set<string>();
  for (const [program, pkg] of Object.entries(HOST_PACKAGES)) if ((await which(program)) === undefined) missing.add(pkg);
  if (missing.size === 0) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    await execa('apt-get', ['update', '-qq'], { env, stdin: 'ignore' });
    await execa('apt-get', ['install', '-y', '-qq', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=300', ...missing], { env, stdin: 'ignore' });
  } catch (error) {
    throw new LuckyError(
      ErrorCode.BuildFailed,
      `The image needs the Debian packages ${[...missing].join(', ')}, and apt-get could not install them: ${(error as Error).message.split('\n')[0]}. Install them, then build again.`,
    );
  }
}

async function requireProgram(name: string): Promise<string> {
  const file = await which(name);
  if (file === undefined)
    throw new LuckyError(ErrorCode.BuildFailed, `"${name}" is not on PATH; install the Debian package ${HOST_PACKAGES[name] ?? name} and build again.`);
  return file;
}

/**
 * Plans the root filesystem: Node (this process's binary), git with the helpers that work
 * without perl or curl (ssh transport needs no more), ssh and ssh-keyscan, busybox for
 * /bin/sh and the core utilities, their shared libraries, and the user files.
 */
export async function planRootfs(bundle: string, version: string): Promise<Entry[]> {
  const entries = new Map<string, Entry>();
  const add = (entry: Entry) => entries.set(entry.path, entry);
  const elves: string[] = [];
  const copyElf = (path: string, source: string) => {
    add({ kind: 'copy', path, source });
    elves.push(source);
  };
  for (const dir of ['/bin', '/etc', '/opt/httpreq-provider', '/root', '/usr/bin', '/usr/local/bin', '/usr/lib/git-core', '/var/lib'])
    add({ kind: 'dir', path: dir, mode: 0o755 });
  add({ kind: 'dir', path: '/tmp', mode: 0o1777 });

  copyElf('/usr/bin/node', realpathSync(process.execPath));
  const git = await requireProgram('git');
  copyElf('/usr/bin/git', git);
  const execPath = String((await execa(git, ['--exec-path'])).stdout).trim();
  for (const name of readdirSync(execPath).sort()) {
    const file = join(execPath, name);
    const stat = lstatSync(file);
    if (stat.isSymbolicLink()) add({ kind: 'link', path: `/usr/lib/git-core/${name}`, target: readlinkSync(file) });
    else if (stat.isFile() && isElf(file) && !(await sharedLibraries(file)).some((lib) => /libcurl/.test(lib))) copyElf(`/usr/lib/git-core/${name}`, file);
  }
  const templates = '/usr/share/git-core/templates';
  if (existsSync(templates)) {
    for (const entry of readdirSync(templates, { recursive: true, withFileTypes: true })) {
      const file = join(entry.parentPath, entry.name);
      const path = file;
      if (entry.isDirectory()) add({ kind: 'dir', path, mode: 0o755 });
      else if (entry.isFile()) add({ kind: 'copy', path, source: file });
    }
  }
  copyElf('/usr/bin/ssh', await requireProgram('ssh'));
  copyElf('/usr/bin/ssh-keyscan', await requireProgram('ssh-keyscan'));
  const busybox = await requireProgram('busybox');
  copyElf('/bin/busybox', busybox);
  const applets = String((await execa(busybox, ['--list'])).stdout)
    .split('\n')
    .filter((a) => a && a !== 'busybox');
  for (const applet of applets) if (!entries.has(`/bin/${applet}`)) add({ kind: 'link', path: `/bin/${applet}`, target: 'busybox' });

  const libraries = new Set<string>();
  for (const elf of elves) for (const lib of await sharedLibraries(elf)) libraries.add(lib);
  for (const lib of [...libraries].sort()) {
    add({ kind: 'dir', path: dirname(lib), mode: 0o755 });
    add({ kind: 'copy', path: lib, source: realpathSync(lib) });
  }

  const { name, uid, gid, home } = WORKLOAD_USER;
  add({ kind: 'file', path: '/etc/passwd', mode: 0o644, content: `root:x:0:0:root:/root:/bin/sh\n${name}:x:${uid}:${gid}:httpreq provider:${home}:/bin/sh\n` });
  add({ kind: 'file', path: '/etc/group', mode: 0o644, content: `root:x:0:\n${name}:x:${gid}:\n` });
  add({ kind: 'file', path: '/etc/nsswitch.conf', mode: 0o644, content: 'passwd: files\ngroup: files\nhosts: files dns\n' });
  add({ kind: 'file', path: '/opt/httpreq-provider/main.js', mode: 0o644, content: bundle });
  add({
    kind: 'file',
    path: '/opt/httpreq-provider/package.json',
    mode: 0o644,
    content: `${JSON.stringify({ name: 'httpreq-provider', version, type: 'module' })}\n`,
  });
  add({ kind: 'file', path: '/usr/local/bin/httpreq-provider', mode: 0o755, content: '#!/bin/sh\nexec /usr/bin/node /opt/httpreq-provider/main.js "$@"\n' });
  return [...entries.values()].sort((a, b) => a.path.localeCompare(b.path));
}

/** A digest of what the image would hold: sources by path, size and mtime, generated files by content. */
export function contentDigest(entries: readonly Entry[]): string {
  const hash = createHash('sha256');
  for (const entry of entries) {
    hash.update(`${entry.kind}\0${entry.path}\0`);
    if (entry.kind === 'copy') {
      const s = statSync(entry.source);
      hash.update(`${entry.source}\0${s.size}\0${s.mtimeMs}\0${s.mode}`);
    } else if (entry.kind === 'file') hash.update(entry.content).update(`\0${entry.mode}`);
    else if (entry.kind === 'link') hash.update(entry.target);
    else hash.update(String(entry.mode));
    hash.update('\n');
  }
  return hash.digest('hex');
}

/** Writes the entries under `root`. */
export async function materialize(root: string, entries: readonly Entry[]): Promise<void> {
  for (const entry of entries) {
    const target = join(root, entry.path);
    await mkdir(entry.kind === 'dir' ? target : dirname(target), { recursive: true });
    if (entry.kind === 'dir') await chmod(target, entry.mode);
    else if (entry.kind === 'copy') {
      await copyFile(entry.source, target);
      await chmod(target, entry.mode ?? statSync(entry.source).mode & 0o7777);
    } else if (entry.kind === 'file') await writeFile(target, entry.content, { mode: entry.mode });
    else await symlink(entry.target, target);
  }
}
