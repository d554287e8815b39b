import type { DaemonContext } from '../plugin.js';
import type { ContainerDefinition } from './schema.js';

/** Output of a command run in a container, as it arrives. */
export type OutputSink = (stream: 'stdout' | 'stderr', data: string) => void;

/**
 * A container runtime: what Lucky needs from Docker today and from Pebble
 * (Kubernetes sidecars), Podman or LXD later. Definitions are keyed by container
 * name ('' = the default container). Nothing engine-specific leaks into core.
 *
 * The in-container contract, which every runtime honours and nothing else restates:
 * - the charm's `container_scripts/` appear read-only at `scriptsDir` in every
 *   container, and a `container-script` entry runs `<scriptsDir>/<script> <args…>`;
 * - `lucky` is on `PATH` in every container and reaches this unit's daemon through
 *   the variables of `clientEnvironment`, set in the container and in every exec.
 */
export interface ContainerRuntime {
  /** Shown in logs and errors, e.g. "docker". */
  readonly name: string;
  /** Where the charm's `container_scripts/` appear inside containers (absolute). */
  readonly scriptsDir: string;
  /**
   * What `lucky` inside `container` needs to reach the daemon (at least
   * `LUCKY_DAEMON_SOCKET`, the socket's path as the container sees it). A runtime
   * adds these to every exec; callers pass the script's own variables only.
   */
  clientEnvironment(container: string, daemon: DaemonContext): Readonly<Record<string, string>>;
  /**
   * Checks the image `lucky container image set` names, for a runtime that does not
   * take Docker references (Pebble: the pod fixes the image); throws a `LuckyError`
   * to refuse it. Without this method the Docker reference grammar applies.
   */
  checkImage?(container: string, image: string, daemon: DaemonContext): void;
  /**
   * Refuses a definition this runtime cannot honour (a volume, port or network it has
   * no counterpart for) by throwing a `LuckyError`: called with the definition as a
   * `lucky container …` command would leave it, before that is stored, so the command
   * fails instead of a later apply.
   */
  checkDefinition?(container: string, definition: ContainerDefinition, daemon: DaemonContext): void;
  /** Make sure the engine is installed and reachable (the `install` hook, DMN-60). */
  ensureEngine(daemon: DaemonContext): Promise<void>;
  /**
   * Make the running containers match `definitions` exactly: create what is missing,
   * recreate what changed (and, with `force`, everything), remove what is not defined.
   * Reconciles against the engine itself, not only against what was applied last.
   */
  apply(
    definitions: Readonly<Record<string, ContainerDefinition>>,
    daemon: DaemonContext,
    options?: { readonly force?: boolean; readonly signal?: AbortSignal },
  ): Promise<void>;
  /** Whether a defined container exists and runs now. */
  isRunning(name: string, daemon: DaemonContext): Promise<boolean>;
  /** Run a command inside a container, streaming its output; resolves with its exit code. */
  exec(
    name: string,
    command: readonly string[],
    options: { readonly env: Readonly<Record<string, string>>; readonly output: OutputSink; readonly signal?: AbortSignal },
    daemon: DaemonContext,
  ): Promise<number>;
  /** Remove every container of this unit (the `stop`/`remove` hooks). */
  removeAll(daemon: DaemonContext): Promise<void>;
}
