import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ContainerDefinition, DaemonContext } from '@lucky/core';

/** One bind mount of a host path into a container. */
export interface Mount {
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}

/** Where the directory of the daemon's container channel appears in containers (read-only). */
export const SOCKET_DIR = '/run/lucky';
/** Where the charm's `container_scripts/` appear (read-only). */
export const SCRIPTS_DIR = '/lucky/container_scripts';

/** The container channel's socket path inside a container. */
export function containerSocketPath(daemon: Pick<DaemonContext, 'containerSocketPath'>): string {
  return `${SOCKET_DIR}/${basename(daemon.containerSocketPath)}`;
}

/** A named volume's host directory: `<dataDir>/volumes/<name>` (CL-27). */
export function volumeDir(dataDir: string, name: string): string {
  return join(dataDir, 'volumes', name);
}

/** The user's volumes: an absolute source is a bind mount, a name a directory under the data dir. */
export function userMounts(definition: ContainerDefinition, dataDir: string): Mount[] {
  return Object.entries(definition.volumes).map(([target, source]) => ({
    source: source.startsWith('/') ? source : volumeDir(dataDir, source),
    target,
    readOnly: false,
  }));
}

/**
 * Lucky's own mounts: the directory of the daemon's container channel, read-only
 * (a restarted daemon's new socket is seen, and nothing inside can remove it; the
 * host socket, which can trigger hooks, is never mounted), and the charm's
 * `container_scripts/` when it has some.
 */
export function daemonMounts(daemon: Pick<DaemonContext, 'containerSocketPath' | 'charmDir'>): Mount[] {
  const mounts: Mount[] = [{ source: dirname(daemon.containerSocketPath), target: SOCKET_DIR, readOnly: true }];
  const scripts = join(daemon.charmDir, 'container_scripts');
  if (existsSync(scripts)) mounts.push({ source: scripts, target: SCRIPTS_DIR, readOnly: true });
  return mounts;
}

/**
 * Creates the host directories the mounts need: named volumes, a missing bind
 * source (as `docker run -v` does) and the socket directory (0700, as the daemon makes it).
 */
export async function createMountSources(mounts: readonly Mount[]): Promise<void> {
  for (const mount of mounts) {
    if (existsSync(mount.source)) continue;
    await mkdir(mount.source, { recursive: true, mode: 0o755 });
  }
}
