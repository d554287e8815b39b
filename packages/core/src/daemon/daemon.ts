import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadLuckyConfig } from '../config/load.js';
import type { LuckyConfig } from '../config/schema.js';
import { containerSteps } from '../containers/steps.js';
import { ErrorCode, LuckyError } from '../errors.js';
import { dispatchHook, finishHook } from '../hook-dispatcher.js';
import { createLogger, type Logger } from '../log.js';
import { configMethods } from '../methods/config.js';
import { daemonMethods, type HookResult } from '../methods/daemon.js';
import { kvMethods } from '../methods/kv.js';
import { statusMethods } from '../methods/status.js';
import type { DaemonContext, HookContext, MethodContext, Plugin } from '../plugin.js';
import { triggerPluginHook } from '../plugin-hooks.js';
import type { PluginModule } from '../plugin-loader.js';
import { loadPluginSet, type PluginSet } from '../plugin-registry.js';
import { RpcServer, type RpcCall } from '../rpc/server.js';
import type { WorkloadState } from '../state/schema.js';
import { StateStore } from '../state/store.js';
import { consolidateStatus } from '../status.js';
import { acquirePidLock } from './lock.js';
import { scriptEnvironment } from './script-env.js';
import { writeLuckyShim } from './shim.js';

export interface DaemonOptions {
  readonly unit: string;
  readonly charmDir: string;
  readonly dataDir: string;
  readonly socketPath: string;
  readonly version: string;
  /** Plugins every unit has (the Juju bridge, the script runners), loaded before those of `lucky.yaml`. */
  readonly plugins: readonly Plugin[];
  /** Runtimes Lucky carries, by the name `runtime:` gives them; each is imported only when selected. */
  readonly runtimes?: Readonly<Record<string, () => Promise<PluginModule>>>;
  readonly logLevel: number;
  readonly logFile?: string | undefined;
  /** The Node binary and CLI entry the `lucky` shim for scripts runs. */
  readonly nodePath: string;
  readonly cliPath: string;
}

/** A running daemon. The caller decides what stops it (signals are the process owner's business). */
export interface RunningDaemon {
  readonly context: DaemonContext;
  /** Resolves once the daemon has stopped and saved everything. */
  readonly stopped: Promise<void>;
  stop(): Promise<void>;
}

/** Thrown by `startDaemon` when another daemon for the unit is running or starting. */
export class DaemonAlreadyRunning extends LuckyError {
  readonly pid: number;
  constructor(pid: number, socketPath: string) {
    super(ErrorCode.DaemonStartFailed, `A Lucky daemon (pid ${pid}) is already running for ${socketPath}.`);
    this.pid = pid;
  }
}

/**
 * Starts the unit's daemon in this process: takes the unit's lock, loads
 * `lucky.yaml`, state and plugins, and serves RPC on the socket until stopped.
 */
export async function startDaemon(options: DaemonOptions): Promise<RunningDaemon> {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  mkdirSync(join(options.socketPath, '..'), { recursive: true, mode: 0o700 });
  const lock = acquirePidLock(`${options.socketPath}.pid`);
  if (!lock.acquired) throw new DaemonAlreadyRunning(lock.holder, options.socketPath);
  const log = createLogger({ name: 'lucky-daemon', level: options.logLevel, file: options.logFile ?? join(options.dataDir, 'daemon.log') });
  try {
    const config = loadLuckyConfig(options.charmDir);
    const loaded = await loadPluginSet(config, options.charmDir, { builtins: options.plugins, runtimes: options.runtimes ?? {} });
    // Container steps come last: every plugin, the runtime included, is set up before they apply containers.
    const daemon = new Daemon(options, config, { ...loaded, plugins: [...loaded.plugins, containerSteps()] }, log, lock.release);
    await daemon.start();
    return daemon;
  } catch (error) {
    log.error(`The Lucky daemon for ${options.unit} could not start: ${(error as Error).message}`);
    await log.flush();
    lock.release();
    throw error;
  }
}

class Daemon implements RunningDaemon {
  readonly context: DaemonContext;
  readonly stopped: Promise<void>;
  private readonly options: DaemonOptions;
  private readonly pluginSet: PluginSet;
  private readonly plugins: readonly Plugin[];
  private readonly server: RpcServer;
  private readonly log: Logger;
  private readonly releaseLock: () => void;
  private current: HookContext | undefined;
  private hookQueue: Promise<unknown> = Promise.resolve();
  private stopping: Promise<void> | undefined;
  private resolveStopped!: () => void;

  constructor(options: DaemonOptions, config: LuckyConfig, pluginSet: PluginSet, log: Logger, releaseLock: () => void) {
    this.options = options;
    this.pluginSet = pluginSet;
    this.log = log;
    this.releaseLock = releaseLock;
    this.server = new RpcServer(log.getSubLogger({ name: 'rpc' }));
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
    this.context = {
      unit: options.unit,
      charmDir: options.charmDir,
      dataDir: options.dataDir,
      socketPath: options.socketPath,
      binDir: join(options.dataDir, 'bin'),
      nodePath: options.nodePath,
      cliPath: options.cliPath,
      version: options.version,
      config,
      state: StateStore.open(join(options.dataDir, 'state.json'), log),
      log,
      currentHook: () => this.current,
      runtime: () => pluginSet.runtime,
      setStatus: (name, status) => this.setStatus(name, status),
    };
    // The daemon's own methods are a plugin like any other: one registration path.
    const core: Plugin = {
      name: '@lucky/core',
      rpc: {
        ...daemonMethods({
          version: options.version,
          startedAt: Date.now(),
          plugins: pluginSet.plugins.map((plugin) => plugin.name),
          runtime: pluginSet.runtime?.name,
          currentHook: () => this.current?.hook,
          stopSoon: () => setImmediate(() => void this.stop()),
          runHook: (hook, env, call) => this.queueHook(hook, env, call),
        }),
        ...kvMethods,
        ...configMethods,
        ...statusMethods,
      },
    };
    this.plugins = [core, ...pluginSet.plugins];
  }

  private async setStatus(name: string, status: { readonly state: WorkloadState; readonly message: string } | null): Promise<void> {
    await this.context.state.mutate((data) => {
      const index = data.statuses.findIndex((slot) => slot.name === name);
      if (status === null) {
        if (index >= 0) data.statuses.splice(index, 1);
      } else if (index >= 0) {
        data.statuses[index] = { name, ...status };
      } else {
        data.statuses.push({ name, ...status });
      }
    });
    if (status) this.log.info(`Set status[${name}]: ${status.state}${status.message ? `: ${status.message}` : ''}`);
    await triggerPluginHook(this.plugins, 'statusChanged', consolidateStatus(this.context.state.data.statuses), this.current, this.context);
  }

  async start(): Promise<void> {
    writeLuckyShim(this.context.binDir, this.options.nodePath, this.options.cliPath);
    for (const plugin of this.plugins) {
      for (const [name, method] of Object.entries(plugin.rpc ?? {})) {
        this.server.register(name, plugin.name, {
          params: method.params,
          handler: (params, call) => method.handler(params, this.methodContext(call)),
        });
      }
    }
    await this.server.listen(this.options.socketPath);
    await triggerPluginHook(this.plugins, 'daemonStarted', this.context);
    const runtime = this.pluginSet.runtime ? `runtime ${this.pluginSet.runtime.name}` : 'no container runtime';
    this.log.info(`Lucky daemon ${this.options.version} started for ${this.options.unit} (pid ${process.pid}, ${runtime}) on ${this.options.socketPath}`);
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.log.info('Stopping the Lucky daemon');
    await this.server.close();
    try {
      await triggerPluginHook(this.plugins, 'daemonStopping', this.context);
    } catch (error) {
      this.log.warn(`A plugin failed while the daemon stopped: ${(error as Error).message}`);
    }
    await this.context.state.flushed();
    rmSync(this.options.socketPath, { force: true });
    this.releaseLock();
    this.log.info('Lucky daemon stopped');
    await this.log.flush();
    this.resolveStopped();
  }

  private methodContext(call: RpcCall): MethodContext {
    return {
      daemon: this.context,
      call,
      hook: () => {
        const hook = this.current;
        const wanted = call.connection.context;
        if (hook && (wanted === undefined || wanted === hook.contextId)) return hook;
        throw new LuckyError(
          ErrorCode.NotInHookContext,
          hook
            ? `Not in a hook context: "${call.method}" was called with JUJU_CONTEXT_ID ${wanted}, but the running hook is ${hook.hook} (${hook.contextId ?? 'no context id'}).`
            : `Not in a hook context: "${call.method}" needs a running Juju hook, and no hook is running for ${this.options.unit}. Call it from a hook's script.`,
        );
      },
    };
  }

  /** Hooks run one at a time, in the order their `lucky dispatch` calls arrived. */
  private queueHook(hook: string, env: Record<string, string>, call: RpcCall): Promise<HookResult> {
    const run = this.hookQueue.then(() => this.runHook(hook, env, call));
    this.hookQueue = run.catch(() => undefined);
    return run;
  }

  private async runHook(name: string, env: Record<string, string>, call: RpcCall): Promise<HookResult> {
    const outputLog = this.log.getSubLogger({ name: 'script-output' });
    const pending = { stdout: '', stderr: '' };
    const hook: HookContext = {
      hook: name,
      env,
      contextId: env.JUJU_CONTEXT_ID || undefined,
      signal: call.connection.signal,
      output: (stream, data) => {
        call.notify('hook.output', { stream, data });
        const lines = (pending[stream] + data).split('\n');
        pending[stream] = lines.pop() ?? '';
        for (const line of lines) outputLog.info(`[${name}] ${stream}: ${line}`);
      },
    };
    this.current = hook;
    this.log.info(`Running hook ${name}`);
    const started = performance.now();
    try {
      const entries = this.context.config.hooks[name] ?? [];
      const outcome = await dispatchHook(hook, entries, this.context, this.plugins, this.pluginSet.runners, (id) => scriptEnvironment(hook, this.context, id));
      for (const stream of ['stdout', 'stderr'] as const) if (pending[stream]) outputLog.info(`[${name}] ${stream}: ${pending[stream]}`);
      const ms = (performance.now() - started).toFixed(0);
      if (outcome.error) this.log.error(`Hook ${name} failed after ${ms} ms: ${outcome.error.message}`);
      else this.log.info(`Hook ${name} done in ${ms} ms`);
      const error = await finishHook(hook, outcome, this.context, this.plugins);
      if (error && !outcome.error) this.log.error(`Hook ${name} failed in its final steps: ${error.message}`);
      return error ? { ok: false, exitCode: 1, message: error.message } : { ok: true, exitCode: 0 };
    } finally {
      this.current = undefined;
    }
  }
}
