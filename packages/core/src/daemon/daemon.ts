import { chmodSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadLuckyConfig } from '../config/load.js';
import type { LuckyConfig } from '../config/schema.js';
import { containerSteps } from '../containers/steps.js';
import { ErrorCode, LuckyError } from '../errors.js';
import { dispatchHook, finishHook } from '../hook-dispatcher.js';
import { createLogger, scriptOutputLog, type Logger } from '../log.js';
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
import { HookProcesses, KILL_GRACE_MS } from './hook-processes.js';
import { ensurePrivateDir } from '../paths.js';
import { acquirePidLock } from './lock.js';
import { actionEntries, actionFailureMessage, actionInfo, LastErrorLine, missingAction, undeclaredActionWarnings } from './actions.js';
import { scriptEnvironment } from './script-env.js';
import { cronMethods, startDaemonCron, type CronExec, type CronJob, type CronScheduler } from './cron/index.js';
import { charmFingerprint } from './fingerprint.js';
import { writeLuckyShim } from './shim.js';
import { ThinServer, type ThinCommandRunner } from './thin-server.js';

/** The container channel's socket: in a directory of its own beside the host socket, which runtimes mount into containers. */
function containerSocketPath(socketPath: string): string {
  return join(dirname(socketPath), 'container', 'daemon.sock');
}

/** The status slot that reports a unit state found corrupt at start. */
const STATE_SLOT = 'lucky-state';
/** How long a hook may run when neither lucky.yaml nor the environment says. */
const DEFAULT_HOOK_TIMEOUT_SECONDS = 3600;

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
  /** Runs `juju-exec <unit> <command>` for the cron scheduler (daemon/cron/exec.ts); without it cron jobs do not run. */
  readonly cronExec?: CronExec;
  /** Runs command lines for `lucky`'s thin client (daemon/thin-server.ts); without it every call starts the Node.js CLI. */
  readonly thinCommands?: ThinCommandRunner | undefined;
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
  // The data dir holds the unit's state and the log of all script output: this user's alone, 0700.
  const dataDir = statSync(options.dataDir);
  const uid = process.getuid?.();
  if (uid !== undefined && dataDir.uid !== uid) {
    let owner = `uid ${dataDir.uid}`;
    try {
      const name = readFileSync('/etc/passwd', 'utf8')
        .split('\n')
        .map((entry) => entry.split(':'))
        .find((fields) => fields[2] === String(dataDir.uid))?.[0];
      if (name) owner = `${name} (uid ${dataDir.uid})`;
    } catch {
      // no passwd file: the uid says it
    }
    throw new LuckyError(
      ErrorCode.DaemonStartFailed,
      `The Lucky data directory ${options.dataDir} belongs to ${owner}, not to this user (uid ${uid}): it holds the unit's state and log, so the daemon will not use it. Give it to this user (chown) or set LUCKY_DATA_DIR to another directory.`,
    );
  }
  if ((dataDir.mode & 0o077) !== 0) chmodSync(options.dataDir, 0o700);
  // Verified before anything is written there: a directory another user controls is refused.
  ensurePrivateDir(dirname(options.socketPath));
  const lock = acquirePidLock(`${options.socketPath}.pid`);
  if (!lock.acquired) throw new DaemonAlreadyRunning(lock.holder, options.socketPath);
  const log = createLogger({ name: 'lucky-daemon', level: options.logLevel, file: options.logFile ?? join(options.dataDir, 'daemon.log') });
  try {
    // Taken before lucky.yaml is read: should it change in between, the daemon reports the older revision and is restarted.
    const fingerprint = charmFingerprint(options.charmDir, options.version);
    const config = loadLuckyConfig(options.charmDir);
    const loaded = await loadPluginSet(config, options.charmDir, { builtins: options.plugins, runtimes: options.runtimes ?? {} });
    // Container steps come last: every plugin, the runtime included, is set up before they apply containers.
    const daemon = new Daemon(options, config, { ...loaded, plugins: [...loaded.plugins, containerSteps()] }, log, lock.release, fingerprint);
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
  /** Cancels the running hook (the daemon is stopping). */
  private cancelCurrent: ((reason: LuckyError) => void) | undefined;
  /** Whether a hook's output already told of a corrupt state found at start. */
  private problemReported = false;
  /** Whether a hook's output already showed lucky.yaml's warnings (repeated keys…): once per daemon, like the log. */
  private configWarningsReported = false;
  private hookQueue: Promise<unknown> = Promise.resolve();
  /** Container channels bound at the request of plugins, by path. */
  private readonly extraChannels = new Map<string, Promise<void>>();
  private stopping: Promise<void> | undefined;
  private cron: CronScheduler | undefined;
  private thin: ThinServer | undefined;
  private resolveStopped!: () => void;

  constructor(options: DaemonOptions, config: LuckyConfig, pluginSet: PluginSet, log: Logger, releaseLock: () => void, fingerprint: string) {
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
      containerSocketPath: containerSocketPath(options.socketPath),
      binDir: join(options.dataDir, 'bin'),
      nodePath: options.nodePath,
      cliPath: options.cliPath,
      version: options.version,
      config,
      state: StateStore.open(join(options.dataDir, 'state.json'), log),
      log,
      currentHook: () => this.current,
      runtime: () => pluginSet.runtime,
      listenContainerChannel: (path) => this.listenContainerChannel(path),
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
          stateProblem: this.context.state.problem,
          fingerprint,
          currentHook: () => this.current?.hook,
          stopSoon: () => setImmediate(() => void this.stop()),
          runHook: (hook, env, call, kind) => this.queueHook(hook, env, call, kind),
        }),
        ...cronMethods({ runJob: (job, env, call) => this.queueHook('cron', env, call, 'hook', job) }),
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
    await HookProcesses.endLeftovers(this.processRecord, this.log);
    for (const plugin of this.plugins) {
      for (const [name, method] of Object.entries(plugin.rpc ?? {})) {
        this.server.register(name, plugin.name, {
          params: method.params,
          handler: (params, call) => method.handler(params, this.methodContext(call)),
          container: method.container,
        });
      }
    }
    await this.server.listen(this.options.socketPath, 'host');
    await this.server.listen(this.context.containerSocketPath, 'container');
    await this.listenThinClients();
    await triggerPluginHook(this.plugins, 'daemonStarted', this.context);
    this.cron = startDaemonCron(this.context, this.options.cronExec);
    if (this.context.state.problem) {
      // Never a silent reset: the unit shows it until a script or operator clears the slot.
      await this.setStatus(STATE_SLOT, { state: 'blocked', message: 'Unit state was corrupt and was reset; see "lucky daemon status"' });
    }
    for (const warning of undeclaredActionWarnings(this.options.charmDir, this.context.config)) this.log.warn(warning);
    for (const warning of this.context.config.warnings ?? []) this.log.warn(warning);
    const runtime = this.pluginSet.runtime ? `runtime ${this.pluginSet.runtime.name}` : 'no container runtime';
    this.log.info(`Lucky daemon ${this.options.version} started for ${this.options.unit} (pid ${process.pid}, ${runtime}) on ${this.options.socketPath}`);
  }

  /** The loopback endpoint of `lucky`'s thin client; without it scripts still work, each call through the Node.js CLI. */
  private async listenThinClients(): Promise<void> {
    if (!this.options.thinCommands) return;
    const thin = new ThinServer(this.options.thinCommands, this.log.getSubLogger({ name: 'thin' }));
    try {
      await thin.listen(this.options.socketPath);
      this.thin = thin;
    } catch (error) {
      this.log.warn(`No thin-client endpoint (each lucky call will start Node.js): ${(error as Error).message}`);
      await thin.close();
    }
  }

  /** A container channel at one more path (`DaemonContext.listenContainerChannel`), bound once. */
  private listenContainerChannel(path: string): Promise<void> {
    if (this.stopping) return Promise.reject(new LuckyError(ErrorCode.DaemonStartFailed, `The Lucky daemon is stopping; not serving ${path}.`));
    let bound = this.extraChannels.get(path);
    if (!bound) {
      bound = this.server.listen(path, 'container');
      this.extraChannels.set(path, bound);
      bound.catch(() => this.extraChannels.delete(path));
    }
    return bound;
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.log.info('Stopping the Lucky daemon');
    this.cron?.stop();
    await this.thin?.close();
    this.cancelCurrent?.(
      new LuckyError(ErrorCode.ScriptFailed, 'The Lucky daemon is stopping; the running hook was cancelled and every process it started was ended.'),
    );
    await this.server.close();
    // Let the cancelled hook end its processes (bounded: a runner that ignores the signal cannot hold the stop).
    await Promise.race([this.hookQueue, new Promise((resolve) => setTimeout(resolve, KILL_GRACE_MS + 2000).unref())]);
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

  /** Where the running hook's process groups are recorded, for a successor if this daemon is killed. */
  private get processRecord(): string {
    return join(this.options.dataDir, 'hook-processes.json');
  }

  /** Seconds a hook may run: `LUCKY_HOOK_TIMEOUT` of the daemon, else `hook-timeout` of lucky.yaml, else an hour. */
  private hookTimeoutSeconds(): number {
    const fromEnv = Number(process.env.LUCKY_HOOK_TIMEOUT);
    if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
    return this.context.config.hookTimeout ?? DEFAULT_HOOK_TIMEOUT_SECONDS;
  }

  /** The hook's cancellation: its dispatch client going away, its timeout, or the daemon stopping. */
  private cancellation(name: string, call: RpcCall): { signal: AbortSignal; dispose(): void } {
    const controller = new AbortController();
    const cancel = (reason: LuckyError): void => {
      if (controller.signal.aborted) return;
      this.log.warn(reason.message);
      controller.abort(reason);
    };
    const seconds = this.hookTimeoutSeconds();
    const timer = setTimeout(
      () =>
        cancel(
          new LuckyError(
            ErrorCode.HookTimedOut,
            `Hook ${name} did not finish within ${seconds} s and was ended with every process it started; raise hook-timeout in lucky.yaml if it needs longer.`,
          ),
        ),
      seconds * 1000,
    );
    const gone = (): void =>
      cancel(
        new LuckyError(
          ErrorCode.ScriptFailed,
          `The lucky dispatch process of hook ${name} went away (killed or interrupted); the hook was cancelled and every process it started was ended.`,
        ),
      );
    call.connection.signal.addEventListener('abort', gone, { once: true });
    this.cancelCurrent = cancel;
    return {
      signal: controller.signal,
      dispose: () => {
        clearTimeout(timer);
        call.connection.signal.removeEventListener('abort', gone);
      },
    };
  }

  /** Hooks run one at a time, in the order their `lucky dispatch` calls arrived. */
  private queueHook(hook: string, env: Record<string, string>, call: RpcCall, kind: 'hook' | 'action' = 'hook', job?: CronJob): Promise<HookResult> {
    const run = this.hookQueue.then(() => this.runHook(hook, env, call, kind, job));
    this.hookQueue = run.catch(() => undefined);
    return run;
  }

  /** `job`: a cron job (hook `cron`), whose entries run instead of a hook's. */
  private async runHook(name: string, env: Record<string, string>, call: RpcCall, kind: 'hook' | 'action' = 'hook', job?: CronJob): Promise<HookResult> {
    const outputLog = scriptOutputLog(this.log, name);
    const cancel = this.cancellation(name, call);
    const processes = new HookProcesses(this.processRecord, this.log);
    const lastError = new LastErrorLine();
    const hook: HookContext = {
      hook: name,
      env,
      contextId: env.JUJU_CONTEXT_ID || undefined,
      ...(kind === 'action' ? { action: actionInfo(name, env) } : {}),
      signal: cancel.signal,
      trackProcessGroup: (pgid) => processes.track(pgid),
      output: (stream, data) => {
        call.notify('hook.output', { stream, data });
        outputLog.write(stream, data);
        lastError.observe(stream, data);
      },
    };
    this.current = hook;
    this.log.info(job ? `Running cron job "${job.id}"` : `Running hook ${name}`);
    if (this.context.state.problem && !this.problemReported) {
      this.problemReported = true;
      hook.output('stderr', `Warning: ${this.context.state.problem} Clear the unit status with "lucky set-status --name ${STATE_SLOT} active".\n`);
    }
    if (!this.configWarningsReported) {
      this.configWarningsReported = true;
      for (const warning of this.context.config.warnings ?? []) hook.output('stderr', `Warning: ${warning}\n`);
    }
    const started = performance.now();
    try {
      const missing = hook.action ? missingAction(this.context.config, name, this.options.unit) : undefined;
      if (missing !== undefined) {
        hook.output('stderr', `${missing}\n`);
        outputLog.end();
        return await this.reportActionFailure(hook, missing);
      }
      const entries = job ? job.entries : hook.action ? actionEntries(this.context.config, name) : (this.context.config.hooks[name] ?? []);
      const idPrefix = job ? `cron_${job.index}` : name;
      const outcome = await dispatchHook(
        hook,
        entries,
        this.context,
        this.plugins,
        this.pluginSet.runners,
        (id) => scriptEnvironment(hook, this.context, id),
        idPrefix,
      );
      outputLog.end();
      const ms = (performance.now() - started).toFixed(0);
      if (outcome.error) this.log.error(`Hook ${name} failed after ${ms} ms: ${outcome.error.message}`);
      else this.log.info(`Hook ${name} done in ${ms} ms`);
      const error = await finishHook(hook, outcome, this.context, this.plugins);
      if (error && !outcome.error) this.log.error(`Hook ${name} failed in its final steps: ${error.message}`);
      // A failed or cancelled hook ends every process it started before the next hook starts.
      if (error || cancel.signal.aborted) await processes.endAll();
      else processes.forget();
      if (error && hook.action) return this.reportActionFailure(hook, actionFailureMessage(error, lastError.line));
      return error ? { ok: false, exitCode: 1, message: error.message } : { ok: true, exitCode: 0 };
    } finally {
      cancel.dispose();
      this.current = undefined;
      this.cancelCurrent = undefined;
    }
  }

  /** Reports a failed action to Juju (`actionFailed` plugins: action-fail); dispatch exits 0 once it is (daemon/actions.ts). */
  private async reportActionFailure(hook: HookContext, message: string): Promise<HookResult> {
    try {
      await triggerPluginHook(this.plugins, 'actionFailed', hook, message, this.context);
      return { ok: false, exitCode: 0, message };
    } catch (error) {
      this.log.error(`Action ${hook.hook} failed and could not be reported as failed: ${(error as Error).message}`);
      return { ok: false, exitCode: 1, message };
    }
  }
}
