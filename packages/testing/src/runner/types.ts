/** The public option and result types of LocalModel, apart from the class so the operations and the hook queue can share them. */
import type { ContainerView } from '../kubernetes/status.js';
import type { StorageKind } from '../model/schema.js';

export interface LocalModelOptions {
  /** Directories put on PATH before the system PATH for every hook, so `lucky` is found (e.g. the dir of the lucky executable). Persisted with the model. */
  readonly path?: readonly string[];
  readonly name?: string;
  /** Hooks one operation may run before it fails as a loop; default 500. Persisted with the model. */
  readonly maxHooksPerOperation?: number;
  /**
   * Run one hook at a time across the model, in queue order, for a reproducible order. By
   * default each unit runs its hooks one at a time but concurrently with other units'
   * (units on one machine, a principal and its subordinates, take turns), as Juju's unit
   * agents do. Persisted with the model. `LUCKY_SIM_SERIAL=1` makes any model serial.
   */
  readonly serial?: boolean;
}

export interface DeployOptions {
  /** Application name; default: the charm's metadata name. */
  readonly name?: string;
  /** Default 1. */
  readonly units?: number;
  /** Validated against the charm's config options; strings are coerced as by `config`. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Resource name → file path, as returned by `resource-get`. */
  readonly resources?: Readonly<Record<string, string>>;
  /** `juju deploy --trust`: the charm may read the cloud credential (`credential-get`). */
  readonly trust?: boolean;
}

export interface ResolvedOptions {
  /** false: mark the unit resolved without running the failed hook again (`juju resolved --no-retry`). Default true. */
  readonly retry?: boolean;
}

export interface HookOutcome {
  readonly unit: string;
  readonly hook: string;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The hook called `juju-reboot`: the machine rebooted after it (`after-hook`), or it was killed, and runs again after the reboot (`now`). */
  readonly reboot?: 'after-hook' | 'now';
}

export interface UnitView {
  readonly name: string;
  readonly application: string;
  readonly leader: boolean;
  readonly workload: { readonly status: string; readonly message: string };
  /** 'idle' | 'executing' | 'error' (Juju's agent status); for 'error', the failed hook. */
  readonly agent: { readonly status: 'idle' | 'error'; readonly message: string };
  readonly address: string;
  /** A subordinate unit: its principal unit (`web/0`), on whose machine it runs. */
  readonly principal?: string;
  readonly ports: readonly string[];
  readonly dataDir: string;
  readonly socketPath: string;
  /** Attached storage, as `storage-list` orders it; location: a directory under the model dir, or a device path for block storage. */
  readonly storage: ReadonlyArray<{ readonly id: string; readonly kind: StorageKind; readonly location: string }>;
  /** Kubernetes units only: each workload container, its Pebble socket and its services' states. */
  readonly containers?: readonly ContainerView[];
}

export interface ModelStatus {
  readonly name: string;
  readonly applications: ReadonlyArray<{
    readonly name: string;
    readonly charm: string;
    readonly charmDir: string;
    /** The application's status: set by its leader (`status-set --application`), else its most severe unit's. */
    readonly status: { readonly status: string; readonly message: string };
    /** The workload version (`application-version-set`) most recently set by a unit; '' when none. */
    readonly version: string;
    readonly units: readonly UnitView[];
  }>;
  readonly relations: ReadonlyArray<{
    readonly id: number;
    readonly endpoints: readonly string[] /* "app:endpoint" */;
    readonly interface: string;
    readonly peer: boolean;
  }>;
}

/** Called while hooks run, e.g. to stream their output to a terminal. Not persisted. */
export interface LocalModelListener {
  hookStarted?(unit: string, hook: string): void;
  output?(unit: string, hook: string, stream: 'stdout' | 'stderr', chunk: string): void;
  hookFinished?(outcome: HookOutcome): void;
  /** An action is about to run (its operation and task ids, as `juju run` prints them first). */
  actionStarted?(action: { readonly unit: string; readonly name: string; readonly operation: string; readonly id: string }): void;
  /** A running action's `action-log` message, as it is logged. */
  actionLog?(unit: string, name: string, entry: { readonly timestamp: string; readonly message: string }): void;
}
