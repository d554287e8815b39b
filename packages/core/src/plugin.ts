import type * as v from 'valibot';
import type { LuckyConfig, ScriptEntry } from './config/schema.js';
import type { Logger } from './log.js';
import type { WorkloadState } from './rpc/methods.js';
import type { RpcCall } from './rpc/server.js';
import type { StateStore } from './state/store.js';
import type { ContainerRuntime } from './containers/runtime.js';

/** One Juju hook (or cron run) being executed by the daemon. */
export interface HookContext {
  /** Hook name, e.g. `install` or `db-relation-changed`; `cron` for cron jobs. */
  readonly hook: string;
  /** The complete environment of this hook's `lucky dispatch` process (all `JUJU_*`, tool `PATH`). */
  readonly env: Readonly<Record<string, string>>;
  /** `JUJU_CONTEXT_ID` of the hook, if Juju gave one. */
  readonly contextId: string | undefined;
  /** Aborted when the dispatch client went away. */
  readonly signal: AbortSignal;
  /** Streams output to the hook process (and so to `juju debug-log`). */
  output(stream: 'stdout' | 'stderr', data: string): void;
}

/** The daemon as plugins see it. */
export interface DaemonContext {
  readonly unit: string;
  readonly charmDir: string;
  readonly dataDir: string;
  readonly socketPath: string;
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
  /** The container runtime a plugin provides, if any. */
  runtime(): ContainerRuntime | undefined;
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

export interface PluginMethod<S extends v.GenericSchema = v.GenericSchema> {
  readonly params: S;
  handler(params: v.InferOutput<S>, ctx: MethodContext): Promise<unknown> | unknown;
}

/** Defines a method with its params typed from its valibot schema. */
export function defineMethod<S extends v.GenericSchema>(method: PluginMethod<S>): PluginMethod {
  return method as unknown as PluginMethod;
}

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
  /** After a hook's scripts; `failed` says whether the hook is failing. */
  afterHook?(hook: HookContext, failed: boolean, daemon: DaemonContext): Promise<void> | void;
  /** The consolidated unit status changed; `hook` is the running hook, if any. */
  statusChanged?(status: { state: WorkloadState; message: string }, hook: HookContext | undefined, daemon: DaemonContext): Promise<void> | void;
}

/** A plugin: a plain object made by a factory. */
export interface Plugin {
  /** The npm package name; shown in logs and errors. */
  readonly name: string;
  readonly hooks?: CoreHooks;
  /** RPC methods this plugin serves, by dotted name (`relation.get`). */
  readonly rpc?: Readonly<Record<string, PluginMethod>>;
  readonly runners?: readonly ScriptRunner[];
  /** A container runtime (Docker, Pebble …); the first plugin that has one is used. */
  readonly runtime?: ContainerRuntime;
}

/** What a plugin module default-exports. `options` comes from `lucky.yaml`'s `plugins:` list. */
export type PluginFactory<Options = Record<string, unknown> | undefined> = (options: Options) => Plugin | Promise<Plugin>;

/** Identity helper that gives a plugin literal its type. */
export function definePlugin(plugin: Plugin): Plugin {
  return plugin;
}
