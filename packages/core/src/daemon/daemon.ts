import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { loadLuckyConfig } from '../config/load.js';
import type { LuckyConfig } from '../config/schema.js';
import { ErrorCode, LuckyError } from '../errors.js';
import { dispatchHook, finishHook } from '../hook-dispatcher.js';
import { createLogger, type Logger } from '../log.js';
import { configMethods } from '../methods/config.js';
import { kvMethods } from '../methods/kv.js';
import { statusMethods } from '../methods/status.js';
import { containerSteps } from '../containers/steps.js';
import { consolidateStatus } from '../status.js';
import type { WorkloadState } from '../rpc/methods.js';
import type { DaemonContext, HookContext, MethodContext, Plugin } from '../plugin.js';
import { loadPlugins } from '../plugin-loader.js';
import { triggerPluginHook } from '../plugin-hooks.js';
import { PROTOCOL_VERSION } from '../rpc/protocol.js';
import { RpcServer, type RpcCall } from '../rpc/server.js';
import { StateStore } from '../state/store.js';
import { acquirePidLock } from './lock.js';
import { scriptEnvironment } from './script-env.js';
import { writeLuckyShim } from './shim.js';

export interface DaemonOptions {
  readonly unit: string;
  readonly charmDir: string;
  readonly dataDir: string;
  readonly socketPath: string;
  readonly version: string;
  /** Built-in plugins, loaded before those listed in `lucky.yaml`. */
  readonly plugins: readonly Plugin[];
  readonly logLevel: number;
  readonly logFile?: string | undefined;
  /** The Node binary and CLI entry the `lucky` shim for scripts runs. */
  readonly nodePath: string;
  readonly cliPath: string;
}

/** A running daemon. */
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
  const socketDir = join(options.socketPath, '..');
  mkdirSync(socketDir, { recursive: true, mode: 0o700 });
  const lock = acquirePidLock(`${options.socketPath}.pid`);
  if (!lock.acquired) throw new DaemonAlreadyRunning(lock.holder, options.socketPath);
  const log = createLogger({ name: 'lucky-daemon', level: options.logLevel, file: options.logFile ?? join(options.dataDir, 'daemon.log') });
  try {
    const config = loadLuckyConfig(options.charmDir);
    const plugins = [...options.plugins, ...(await loadPlugins(options.charmDir, config.plugins)), containerSteps()];
    const daemon = new Daemon(options, config, plugins, log, lock.release);
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
  private readonly plugins: readonly Plugin[];
  private readonly server: RpcServer;
  private readonly log: Logger;
  private readonly releaseLock: () => void;
  private readonly started = Date.now();
  private current: HookContext | undefined;
  private hookQueue: Promise<unknown> = Promise.resolve();
  private stopping: Promise<void> | undefined;
  private resolveStopped!: () => void;

  constructor(options: DaemonOptions, config: LuckyConfig, plugins: readonly Plugin[], log: Logger, releaseLock: () => void) {
    this.options = options;
    this.plugins = plugins;
    this.log = log;
    this.releaseLock = releaseLock;
    this.server = new RpcServer(log.getSubLogger({ name: 'rpc' }));
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
    const binDir = join(options.dataDir, 'bin');
    this.context = {
      unit: options.unit,
      charmDir: options.charmDir,
      dataDir: options.dataDir,
      socketPath: options.socketPath,
      binDir,
      nodePath: options.nodePath,
      cliPath: options.cliPath,
      version: options.version,
      config,
      state: StateStore.open(join(options.dataDir, 'state.json'), log),
      log,
      currentHook: () => this.current,
      runtime: () => this.plugins.find((plugin) => plugin.runtime)?.runtime,
      setStatus: (name, status) => this.setStatus(name, status),
    };
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
    this.registerCoreMethods();
    const builtIn: Plugin = {
      name: '@lucky/core',
      rpc: { ...kvMethods, ...configMethods, ...statusMethods },
    };
    for (const plugin of [builtIn, ...this.plugins]) {
      for (const [name, method] of Object.entries(plugin.rpc ?? {})) {
        this.server.register(name, {
          params: method.params,
          handler: (params, call) => method.handler(params, this.methodContext(call)),
        });
      }
    }
    await this.server.listen(this.options.socketPath);
    process.once('SIGTERM', () => void this.stop());
    process.once('SIGINT', () => void this.stop());
    await triggerPluginHook(this.plugins, 'daemonStarted', this.context);
    this.log.info(`Lucky daemon ${this.options.version} started for ${this.options.unit} (pid ${process.pid}) on ${this.options.socketPath}`);
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

  private registerCoreMethods(): void {
    this.server.register('daemon.hello', {
      params: v.object({ protocol: v.number(), context: v.optional(v.string()) }),
      handler: (params, call) => {
        const { context } = params as { context?: string };
        call.connection.context = context === '' ? undefined : context;
        return { protocol: PROTOCOL_VERSION, version: this.options.version, pid: process.pid };
      },
    });
    this.server.register('daemon.status', {
      params: v.object({}),
      handler: () => ({
        pid: process.pid,
        unit: this.options.unit,
        charmDir: this.options.charmDir,
        dataDir: this.options.dataDir,
        uptimeMs: Date.now() - this.started,
        hook: this.current?.hook ?? null,
        version: this.options.version,
      }),
    });
    this.server.register('daemon.stop', {
      params: v.object({}),
      handler: () => {
        // Answer first, then stop: the caller waits for the socket to disappear.
        setImmediate(() => void this.stop());
        return { stopping: true };
      },
    });
    this.server.register('hook.trigger', {
      params: v.object({ hook: v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9_-]*$/i, 'a hook name holds letters, digits, "-" and "_"')), env: v.record(v.string(), v.string()) }),
      handler: (params, call) => {
        const { hook, env } = params as { hook: string; env: Record<string, string> };
        const run = this.hookQueue.then(() => this.runHook(hook, env, call));
        this.hookQueue = run.catch(() => undefined);
        return run;
      },
    });
  }

  private async runHook(name: string, env: Record<string, string>, call: RpcCall): Promise<{ ok: boolean; exitCode: number; message?: string }> {
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
      const outcome = await dispatchHook(hook, entries, this.context, this.plugins, (id) => scriptEnvironment(hook, this.context, id));
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
