import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { ErrorCode, LuckyError } from '@lucky/errors';
import { VERSION } from '../version.js';
import { contentDigest, ensureHostPackages, materialize, planRootfs, WORKLOAD_USER } from './rootfs.js';

/** The image the charm's `httpreq-image` resource names by default. */
export const PROVIDER_IMAGE = `lucky-httpreq-provider:${VERSION}`;
/** The label holding the digest of the image's content; an image carrying the same digest is reused. */
export const CONTENT_LABEL = 'io.lucky.httpreq-provider.content';
export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

export interface BuildImageOptions {
  /** The Docker engine's socket (default /var/run/docker.sock). */
  readonly socketPath?: string;
  /** The image reference (default `lucky-httpreq-provider:<package version>`). */
  readonly tag?: string;
  /** Progress lines (default: none). */
  readonly onProgress?: (line: string) => void;
}

// The few dockerode calls made here (its typings come with the plugin-docker package, not this one).
interface MiniImage {
  inspect(): Promise<{ Id: string; Config?: { Labels?: Record<string, string> | null } }>;
  tag(options: { repo: string; tag: string }): Promise<unknown>;
  remove(): Promise<unknown>;
}
interface MiniDocker {
  getImage(name: string): MiniImage;
  listImages(options: { filters: string }): Promise<{ Id: string }[]>;
  buildImage(
    context: NodeJS.ReadableStream,
    options: { t: string; labels: Record<string, string>; rm: boolean; forcerm: boolean },
  ): Promise<NodeJS.ReadableStream>;
  modem: {
    followProgress(
      stream: NodeJS.ReadableStream,
      done: (error: Error | null, output: { error?: string; stream?: string }[]) => void,
      onProgress?: (event: { stream?: string }) => void,
    ): void;
  };
}

const SOURCE_ENTRY = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

/** The service and its CLI as one ESM file for Node 20; the image builder itself stays out. */
export async function bundleService(): Promise<string> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [SOURCE_ENTRY],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    legalComments: 'none',
    logLevel: 'warning',
    define: { __HTTPREQ_PROVIDER_VERSION__: JSON.stringify(VERSION) },
    // Bundled CommonJS dependencies call require() for Node's modules.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    plugins: [
      {
        name: 'image-builder-stays-out',
        setup(b) {
          b.onResolve({ filter: /\/image\/build\.js$/ }, (args) => ({ path: args.path, external: true }));
        },
      },
    ],
  });
  const file = result.outputFiles[0];
  if (file === undefined) throw new LuckyError(ErrorCode.BuildFailed, 'esbuild produced no bundle of the httpreq provider.');
  return file.text;
}

function follow(client: MiniDocker, stream: NodeJS.ReadableStream, onProgress: ((line: string) => void) | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    client.modem.followProgress(
      stream,
      (error, output) => {
        const failed = error?.message ?? output.find((o) => o.error !== undefined)?.error;
        if (failed !== undefined) reject(new LuckyError(ErrorCode.BuildFailed, `Docker could not build the httpreq-provider image: ${failed.trim()}`));
        else resolve();
      },
      (event) => {
        const line = event.stream?.trim();
        if (line && onProgress) onProgress(line);
      },
    );
  });
}

function splitTag(reference: string): { repo: string; tag: string } {
  const colon = reference.lastIndexOf(':');
  return colon > reference.lastIndexOf('/') ? { repo: reference.slice(0, colon), tag: reference.slice(colon + 1) } : { repo: reference, tag: 'latest' };
}

/**
 * Builds the provider's OCI image offline, `FROM scratch`, from files of this machine
 * (see planRootfs) sent to the engine as a tar context. Idempotent: when an image with
 * the same content digest exists it is tagged and reused. Resolves the image reference.
 */
export async function buildProviderImage(options: BuildImageOptions = {}): Promise<string> {
  const reference = options.tag ?? PROVIDER_IMAGE;
  const Dockerode = createRequire(import.meta.url)('dockerode') as new (options: { socketPath: string }) => MiniDocker;
  const client = new Dockerode({ socketPath: options.socketPath ?? DEFAULT_DOCKER_SOCKET });
  await ensureHostPackages();
  const entries = await planRootfs(await bundleService(), VERSION);
  const digest = contentDigest(entries);
  const existing = await client.listImages({ filters: JSON.stringify({ label: [`${CONTENT_LABEL}=${digest}`] }) });
  if (existing[0] !== undefined) {
    const current = await client
      .getImage(reference)
      .inspect()
      .catch(() => undefined);
    if (current?.Id !== existing[0].Id) await client.getImage(existing[0].Id).tag(splitTag(reference));
    options.onProgress?.(`${reference} is up to date (${existing[0].Id.slice(0, 19)})`);
    return reference;
  }
  const previous = await client
    .getImage(reference)
    .inspect()
    .catch(() => undefined);
  const dir = await mkdtemp(join(tmpdir(), 'httpreq-image-'));
  try {
    await materialize(join(dir, 'rootfs'), entries);
    await materialize(join(dir, 'home'), [{ kind: 'dir', path: '/', mode: 0o750 }]);
    const { uid, gid, home } = WORKLOAD_USER;
    await writeFile(
      join(dir, 'Dockerfile'),
      [
        'FROM scratch',
        'COPY rootfs/ /',
        // COPY makes everything root's; the workload user's home is its own.
        `COPY --chown=${uid}:${gid} home/ ${home}/`,
        'ENV PATH=/usr/local/bin:/usr/bin:/bin',
        '',
      ].join('\n'),
    );
    const tar = execa('tar', ['-C', dir, '-cf', '-', 'Dockerfile', 'rootfs', 'home'], { buffer: false, stderr: 'pipe' });
    const stream = await client.buildImage(tar.stdout, {
      t: reference,
      labels: { [CONTENT_LABEL]: digest, 'io.lucky.httpreq-provider.version': VERSION },
      rm: true,
      forcerm: true,
    });
    await follow(client, stream, options.onProgress);
    await tar;
    // The image this tag named before, if it was one of ours, is now untagged: drop it unless a container still uses it.
    if (previous?.Config?.Labels?.[CONTENT_LABEL] !== undefined) {
      const current = await client.getImage(reference).inspect();
      if (current.Id !== previous.Id)
        await client
          .getImage(previous.Id)
          .remove()
          .catch(() => undefined);
    }
    return reference;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
