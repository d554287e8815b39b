import { readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { DEFAULT_DOCKER_SOCKET } from './docker-engine.js';
import { ensureContainerPackages } from './debian.js';
import { isProcessRunning } from '@lucky/core';
import { spawnDetached } from './detached.js';

/** The busybox image every Docker test uses; built locally, no registry needed. */
export const TEST_IMAGE = 'lucky-test-busybox:1';

// The few dockerode calls these helpers make (its typings are the Docker plugin's, not ours).
interface Progress {
  readonly error?: string;
}
interface MiniImage {
  inspect(): Promise<{ Id: string }>;
  tag(options: { repo: string; tag: string }): Promise<unknown>;
  push(options: { tag: string; authconfig: Record<string, never> }): Promise<NodeJS.ReadableStream>;
}
interface MiniDocker {
  getImage(name: string): MiniImage;
  importImage(file: string, options: { repo: string; tag: string; changes: string[] }): Promise<NodeJS.ReadableStream>;
  modem: { followProgress(stream: NodeJS.ReadableStream, done: (error: Error | null, output: Progress[]) => void): void };
}
const Dockerode = createRequire(import.meta.url)('dockerode') as new (options: { socketPath: string }) => MiniDocker;

function docker(socketPath: string): MiniDocker {
  return new Dockerode({ socketPath });
}

function follow(client: MiniDocker, stream: NodeJS.ReadableStream, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    client.modem.followProgress(stream, (error, output) => {
      const failed = error?.message ?? output.find((o) => o.error !== undefined)?.error;
      if (failed !== undefined) reject(new Error(`${what} failed: ${failed}`));
      else resolve();
    });
  });
}

async function hasImage(client: MiniDocker, name: string): Promise<boolean> {
  try {
    await client.getImage(name).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw error;
  }
}

const built = new Map<string, Promise<string>>();

async function buildTestImage(socketPath: string): Promise<string> {
  const client = docker(socketPath);
  if (await hasImage(client, TEST_IMAGE)) return TEST_IMAGE;
  const dir = await mkdtemp(join(tmpdir(), 'lucky-image-'));
  try {
    const root = join(dir, 'rootfs');
    for (const sub of ['bin', 'etc', 'root', 'tmp', 'www']) await mkdir(join(root, sub), { recursive: true, mode: sub === 'tmp' ? 0o1777 : 0o755 });
    await copyFile('/bin/busybox', join(root, 'bin', 'busybox'));
    // `busybox --install -s` would link to the host's resolved path (/usr/bin/busybox on a merged-/usr
    // host); relative links from its own applet list are valid inside the image.
    const applets = String((await execa('/bin/busybox', ['--list'])).stdout)
      .split('\n')
      .filter((a) => a && a !== 'busybox');
    for (const applet of applets) await symlink('busybox', join(root, 'bin', applet));
    await writeFile(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
    await writeFile(join(root, 'etc', 'group'), 'root:x:0:\n');
    const tar = join(dir, 'rootfs.tar');
    await execa('tar', ['-C', root, '-cf', tar, '.']);
    const [repo = TEST_IMAGE, tag = 'latest'] = TEST_IMAGE.split(':');
    await follow(client, await client.importImage(tar, { repo, tag, changes: ['ENV PATH=/bin', 'CMD ["/bin/sh"]'] }), `import of ${TEST_IMAGE}`);
    if (!(await hasImage(client, TEST_IMAGE))) throw new Error(`${TEST_IMAGE} was imported but the engine does not list it`);
    return TEST_IMAGE;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * `lucky-test-busybox:1`, built once (and only if the engine lacks it) from
 * Debian's busybox-static: /bin/busybox plus its applet links, imported as a
 * one-layer image with `ENV PATH=/bin` and `CMD ["/bin/sh"]`.
 */
export function testImage(socketPath = DEFAULT_DOCKER_SOCKET): Promise<string> {
  let image = built.get(socketPath);
  if (!image) {
    image = ensureContainerPackages().then(() => buildTestImage(socketPath));
    built.set(socketPath, image);
    image.catch(() => built.delete(socketPath));
  }
  return image;
}

/** A local registry (Debian's docker-registry) the engine can pull from. */
export interface TestRegistry {
  /** `127.0.0.1:<port>`: the engine trusts 127.0.0.0/8 over plain HTTP. */
  readonly address: string;
  /** Tags `image` into this registry (same repository path and tag) and pushes it; resolves with the pushed reference. */
  push(image: string): Promise<string>;
  /** Stops the registry (by its PID) and deletes its storage. */
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function answers(address: string): Promise<boolean> {
  try {
    const res = await fetch(`http://${address}/v2/`, { signal: AbortSignal.timeout(1_000) });
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Starts Debian's docker-registry on 127.0.0.1 (a free port), storage in a temp dir. */
export async function useRegistry(socketPath = DEFAULT_DOCKER_SOCKET): Promise<TestRegistry> {
  await ensureContainerPackages();
  const dir = await mkdtemp(join(tmpdir(), 'lucky-registry-'));
  const address = `127.0.0.1:${await freePort()}`;
  const config = join(dir, 'config.yml');
  await writeFile(
    config,
    ['version: 0.1', 'log:', '  level: warn', 'storage:', '  filesystem:', `    rootdirectory: ${join(dir, 'data')}`, 'http:', `  addr: ${address}`, ''].join(
      '\n',
    ),
  );
  const log = join(dir, 'registry.log');
  const pid = spawnDetached('/usr/bin/docker-registry', ['serve', config], log);
  const registryPid = pid;
  const stop = async (): Promise<void> => {
    if (isProcessRunning(registryPid)) process.kill(registryPid, 'SIGTERM');
    const deadline = Date.now() + 10_000;
    while (isProcessRunning(registryPid) && Date.now() < deadline) await sleep(50);
    await rm(dir, { recursive: true, force: true });
  };
  const onExit = () => isProcessRunning(registryPid) && process.kill(registryPid, 'SIGTERM');
  process.on('exit', onExit);
  const deadline = Date.now() + 15_000;
  while (!(await answers(address))) {
    if (!isProcessRunning(registryPid) || Date.now() > deadline) {
      const text = readFileSync(log, 'utf8');
      await stop();
      throw new Error(`docker-registry did not answer on ${address}:\n${text.slice(-2000)}`);
    }
    await sleep(50);
  }
  const client = docker(socketPath);
  return {
    address,
    async push(image) {
      const colon = image.lastIndexOf(':');
      const [name, tag] = colon > image.lastIndexOf('/') ? [image.slice(0, colon), image.slice(colon + 1)] : [image, 'latest'];
      const repo = `${address}/${name}`;
      await client.getImage(image).tag({ repo, tag });
      await follow(client, await client.getImage(`${repo}:${tag}`).push({ tag, authconfig: {} }), `push of ${repo}:${tag}`);
      return `${repo}:${tag}`;
    },
    async stop() {
      process.off('exit', onExit);
      await stop();
    },
  };
}
