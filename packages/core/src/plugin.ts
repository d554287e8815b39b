import type * as v from 'valibot';
import type { LuckyConfig, ScriptEntry } from './config/schema.js';
import type { ContainerRuntime } from './containers/runtime.js';
import type { Logger } from './log.js';
import type { RpcCall } from './rpc/server.js';
import type { WorkloadState } from './state/schema.js';
import type { StateStore } from './state/store.js';

/** One Juju hook (or cron run) being executed by the daemon. */
export interface HookContext {
  /** Hook name, e.g. `install` or `db-relation-changed`; `cron` for cron jobs. */
  readonly hook: string;
  /** The complete environment of this hook's `lucky dispatch` process (all `JUJU_*`, tool `PATH`). */
  readonly env: Readonly<Record<string, string>>;
  /** `JUJU_CONTEXT_ID` of the hook, if Juju gave one. */
  readonly contextId: string | undefined;
  /** Set when this run is a Juju action (`actions/<name>`); `hook` is then the action's name. */
  readonly action?: ActionInfo | undefined;
  /** Aborted when the hook is cancelled: the dispatch client went away, the hook timed out, or the daemon is stopping. */
  readonly signal: AbortSignal;
  /** Streams output to the hook process (and so to `juju debug-log`). */
  output(stream: 'stdout' | 'stderr', data: string): void;
  /**
   * Hands a process group a script started (its leader's pid) to the hook: if the
   * hook fails, is cancelled or times out, or the daemon stops, every process of
   * the group is ended; if it succeeds, what is left keeps running, as under Juju.
   */
  trackProcessGroup(pgid: number): void;
}

/** The Juju action a run is (JUJU_ACTION_NAME, JUJU_ACTION_UUID). */
export interface ActionInfo {
  readonly name: string;
  readonly uuid: string;
}

/** The daemon as plugins see it. */
export interface DaemonContext {
  readonly unit: string;
  readonly charmDir: string;
  readonly dataDir: string;
  readonly socketPath: string;
  /**
   * The container channel: a socket serving only methods marked `container`, in a
   * directory of its own that runtimes mount read-only into containers (never the
   * directory of `socketPath`).
   */
  readonly containerSocketPath: string;
  /** Directory holding the `lucky` executable that scripts call. */
  readonly binDir: string;
  /** The Node binary and `lucky` entry this daemon runs, for runtimes that mount the client into containers. */
  readonly nodePath: string;
  readonly cliPath: string;
  readonly version: string;
  readonly config: LuckyConfig;
  readonly state: StateStore;
  readonly log: Logger;
  /** The hook running now, if any. */
  currentHook(): HookContext | undefined;
  /** The unit's one container runtime (`runtime:` in lucky.yaml), or undefined when containers are not managed. */
  runtime(): ContainerRuntime | undefined;
  /**
   * Serves the container channel (methods marked `container`) at one more socket as
   * well, e.g. in a directory a runtime shares with a workload container that cannot
   * see `containerSocketPath`. Binding a path twice is a no-op; the daemon closes
   * every such socket when it stops.
   */
  listenContainerChannel(path: string): Promise<void>;
  /** Sets (or, with null, removes) a status slot and pushes the unit status, as `lucky set-status` does. */
  setStatus(name: string, status: { readonly state: WorkloadState; readonly message: string } | null): Promise<void>;
}

/** One script entry about to run. */
export interface ScriptRun {
  readonly entry: ScriptEntry;
  /** `LUCKY_SCRIPT_ID`: `<hook>_<index>` (DMN-13), the default status slot. */
  readonly id: string;
  readonly hook: HookContext;
  /** The environment the script gets; plugins add to it in `setupScriptEnvironment`. */
  readonly env: Record<string, string>;
  /** Aborted when the hook is cancelled or another of its entries failed: stop the script then. */
  readonly signal: AbortSignal;
  /** Where the script's output goes (hook process and daemon log). */
  output(stream: 'stdout' | 'stderr', data: string): void;
}

/** Runs script entries of some kinds. Throws a `LuckyError` when the script fails. */
export interface ScriptRunner {
  readonly kinds: readonly ScriptEntry['kind'][];
  run(run: ScriptRun, daemon: DaemonContext): Promise<void>;
}

/** Context of an RPC call served by a plugin method. */
export interface MethodContext {
  readonly daemon: DaemonContext;
  readonly call: RpcCall;
  /** The hook this call belongs to; throws "not in a hook context" when none runs. */
  hook(): HookContext;
}

/**
 * One RPC method: its params and result are valibot schemas, defined once next to
 * the handler. The server checks params against `params`; the `RpcMethods` type
 * that clients use is derived from both (see `MethodTypes`).
 */
export interface PluginMethod<P extends v.GenericSchema = v.GenericSchema, R extends v.GenericSchema = v.GenericSchema> {
  readonly params: P;
  readonly result: R;
  /**
   * Also served to the unit's containers (their channel, `containerSocketPath`).
   * Only script-facing methods that reveal nothing of the host and cannot reach
   * beyond the unit should say so; the default is host only.
   */
  readonly container?: boolean;
  handler(params: v.InferOutput<P>, ctx: MethodContext): Promise<v.InferInput<R>> | v.InferInput<R>;
}

/** A plugin's methods by dotted name (`relation.get`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- handlers are contravariant in their params; each entry keeps its own types
export type PluginMethods = Readonly<Record<string, PluginMethod<any, any>>>;

/** Defines a method, typing its handler from its schemas. */
export function defineMethod<P extends v.GenericSchema, R extends v.GenericSchema>(method: PluginMethod<P, R>): PluginMethod<P, R> {
  return method;
}

/**
 * The wire types of a set of methods, for `RpcMethods`: what a client sends
 * (the params schema's input) and gets back (the result schema's output).
 * A plugin publishes its methods to clients with
 * `declare module '@lucky/core' { interface RpcMethods extends MethodTypes<typeof myMethods> {} }`.
 */
export type MethodTypes<T extends PluginMethods> = {
  -readonly [K in keyof T]: { params: v.InferInput<T[K]['params']>; result: v.InferOutput<T[K]['result']> };
};

/** Lifecycle hooks a plugin may implement; each runs for every plugin in load order, one at a time. */
export interface CoreHooks {
  /** After the socket is bound and state loaded. */
  daemonStarted?(daemon: DaemonContext): Promise<void> | void;
  /** Before the daemon exits; errors are logged and ignored. */
  daemonStopping?(daemon: DaemonContext): Promise<void> | void;
  /** Built-in steps before a hook's scripts (DMN-50: config refresh, engine install …). */
  beforeHook?(hook: HookContext, daemon: DaemonContext): Promise<void> | void;
  /** Adds to a script's environment before it runs. */
  setupScriptEnvironment?(run: ScriptRun, daemon: DaemonContext): Promise<void> | void;
  /** After each script that succeeded, in the same flow (containers are applied here). */
  afterScript?(run: ScriptRun, daemon: DaemonContext): Promise<void> | void;
  /**
   * An action's scripts failed (after `afterHook`): report it to Juju (`action-fail`)
   * with `message`. When this returns, the action counts as reported and `lucky
   * dispatch` exits 0, so Juju keeps the message (see daemon/actions.ts).
   */
  actionFailed?(hook: HookContext, message: string, daemon: DaemonContext): Promise<void> | void;
  /** After a hook's scripts; `failed` says whether the hook is failing. */
  afterHook?(hook: HookContext, failed: boolean, daemon: DaemonContext): Promise<void> | void;
  /** The consolidated unit status changed; `hook` is the running hook, if any. */
  statusChanged?(status: { state: WorkloadState; message: string }, hook: HookContext | undefined, daemon: DaemonContext): Promise<void> | void;
}

/**
 * What the `lucky` CLI hands a plugin's `commands` factory: its own clipanion
 * (`Command`, `Option`, `UsageError`) and base classes for commands that call the
 * daemon. @lucky/cli declares the members (module augmentation), so core does not
 * depend on clipanion. Commands must be built from these, not from a clipanion the
 * plugin imports itself: clipanion recognises options by a module-private symbol,
 * so options of another copy would be silently ignored.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by @lucky/cli
export interface CommandKit {}

/** A clipanion command class, as `commands` returns them. */
export interface CommandClass {
  new (): object;
  readonly paths?: string[][] | undefined;
}

/** A plugin: a plain object made by a factory. */
export interface Plugin {
  /** The npm package name; shown in logs and errors. */
  readonly name: string;
  readonly hooks?: CoreHooks;
  /** RPC methods this plugin serves, by dotted name (`relation.get`). */
  readonly rpc?: PluginMethods;
  /** Script runners; a charm plugin's runner replaces a built-in one for the same kind. */
  readonly runners?: readonly ScriptRunner[];
  /** A container runtime (Docker, Pebble …). Used only when `lucky.yaml` selects this plugin with `runtime:`. */
  readonly runtime?: ContainerRuntime;
  /**
   * `lucky` subcommands, registered when the charm lists this plugin. Called only by
   * the CLI (never in the daemon), with the CLI's command kit.
   */
  commands?(kit: CommandKit): readonly CommandClass[];
}

/** What a plugin module default-exports. `options` comes from `lucky.yaml` (`[name, {options}]`). */
export type PluginFactory<Options = Record<string, unknown> | undefined> = (options: Options) => Plugin | Promise<Plugin>;

/** Identity helper that gives a plugin literal its type. */
export function definePlugin<P extends Plugin>(plugin: P): P {
  return plugin;
}
