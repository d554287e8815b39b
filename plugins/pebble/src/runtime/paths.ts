/**
 * Where things are, on both sides of the directory Juju shares with each workload
 * container: `<containersDir>/<c>` in the charm container is `/charm/container` in
 * workload container `<c>` (juju.md §5).
 */
import { join, posix } from 'node:path';
import type { DaemonContext } from '@lucky/core';

/** Juju's layout in the charm container. */
export const DEFAULT_CONTAINERS_DIR = '/charm/containers';
/** The variable the simulator (or an operator) sets to move the containers' directories. */
export const CONTAINERS_DIR_VARIABLE = 'LUCKY_PEBBLE_CONTAINERS_DIR';

/** The shared directory as the workload container sees it. */
export const WORKLOAD_SHARED_DIR = '/charm/container';
/** Lucky's part of it: the daemon socket and the client kit. */
export const WORKLOAD_LUCKY_DIR = posix.join(WORKLOAD_SHARED_DIR, 'lucky');
/** The daemon's container channel, as workload containers reach it. */
export const WORKLOAD_DAEMON_SOCKET = posix.join(WORKLOAD_LUCKY_DIR, 'daemon.sock');
/** Holds the `lucky` wrapper; on PATH in every exec and service. */
export const WORKLOAD_KIT_BIN = posix.join(WORKLOAD_LUCKY_DIR, 'bin');
/**
 * Where the charm's `container_scripts/` are pushed, in the workload's own
 * filesystem (not the shared directory, which the charm container can write).
 */
export const WORKLOAD_SCRIPTS_DIR = '/lucky/container_scripts';
/** Pebble's PATH for exec when none is given (Pebble's `defaultPath`). */
export const PEBBLE_DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The charm container's directory of the workload containers: the running hook's
 * `LUCKY_PEBBLE_CONTAINERS_DIR`, else the daemon's, else the runtime option, else
 * Juju's `/charm/containers`. The variable wins over the option so that the
 * simulator can place any charm's containers.
 */
export function containersDir(daemon: Pick<DaemonContext, 'currentHook'>, option: string | undefined): string {
  return daemon.currentHook()?.env[CONTAINERS_DIR_VARIABLE] || process.env[CONTAINERS_DIR_VARIABLE] || option || DEFAULT_CONTAINERS_DIR;
}

/** The charm-side paths of workload container `name` under `dir`. */
export function containerPaths(dir: string, name: string) {
  const shared = join(dir, name);
  const lucky = join(shared, 'lucky');
  return {
    shared,
    pebbleSocket: join(shared, 'pebble.socket'),
    lucky,
    daemonSocket: join(lucky, 'daemon.sock'),
  };
}
export type ContainerPaths = ReturnType<typeof containerPaths>;
