import {
  ErrorCode,
  LuckyError,
  containerLabel,
  type ContainerDefinition,
  type ContainerRuntime,
  type DaemonContext,
  type Logger,
  type OutputSink,
} from '@lucky/core';
import { ClientKitCache } from './client-kit.js';
import { containerSpec, type SpecContext } from './container-spec.js';
import { inspectContainer, listUnitContainers, removeContainer } from './containers.js';
import { Engine, resolveSocketPath } from './engine.js';
import { execInContainer } from './exec.js';
import { resolveHostIp } from './host-ip.js';
import { ensureEngine } from './install.js';
import { UNIT_LABEL, checkContainerKey, containerName, parseLabelList } from './labels.js';
import { SCRIPTS_DIR, containerSocketPath, daemonMounts } from './mounts.js';
import { reconcile } from './reconcile.js';

/** Options of the Docker runtime (all optional). */
export interface DockerRuntimeOptions {
  /** The engine's Unix socket; default `DOCKER_HOST` (`unix://…`), else /var/run/docker.sock. */
  readonly socketPath?: string | undefined;
  /** Where the proxy drop-in for docker.service goes; default /etc/systemd/system. */
  readonly systemdDir?: string | undefined;
  /** Labels added to every container, over those of `LUCKY_DOCKER_LABELS` (`k=v,k2=v2`). */
  readonly labels?: Readonly<Record<string, string>> | undefined;
  /** Seconds a container gets to stop before it is killed, when recreated or removed; default 10. */
  readonly stopTimeout?: number | undefined;
  /** How long `ensureEngine` waits for a freshly installed engine to answer; default 60 000 ms. */
  readonly engineStartTimeoutMs?: number | undefined;
  /** Host address published ports bind to; default `LUCKY_DOCKER_HOST_IP`, else every address. */
  readonly hostIp?: string | undefined;
}

/** The Docker container runtime. */
export class DockerRuntime implements ContainerRuntime {
  readonly name = 'docker';
  readonly scriptsDir = SCRIPTS_DIR;
  private readonly options: DockerRuntimeOptions;
  private connection: Engine | undefined;
  private extraLabels: Record<string, string> | undefined;
  private readonly kits = new ClientKitCache();
  /** Applies and removals of one unit run one at a time; execs never wait for them. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(options: DockerRuntimeOptions = {}) {
    this.options = options;
  }

  /** The engine's socket path. */
  get socketPath(): string {
    return this.engine().socketPath;
  }

  private engine(): Engine {
    this.connection ??= new Engine(resolveSocketPath(this.options.socketPath));
    return this.connection;
  }

  private labels(): Record<string, string> {
    this.extraLabels ??= { ...parseLabelList(process.env.LUCKY_DOCKER_LABELS), ...this.options.labels };
    return this.extraLabels;
  }

  private logger(daemon: DaemonContext): Logger {
    return daemon.log.getSubLogger({ name: 'docker' });
  }

  private serial<T>(unit: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(unit) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(unit, settled);
    void settled.then(() => {
      if (this.queues.get(unit) === settled) this.queues.delete(unit);
    });
    return next;
  }

  /** The socket's directory is mounted into every container; `lucky` there finds the socket by this variable. */
  clientEnvironment(_container: string, daemon: DaemonContext): Readonly<Record<string, string>> {
    return { LUCKY_DAEMON_SOCKET: containerSocketPath(daemon) };
  }

  async ensureEngine(daemon: DaemonContext): Promise<void> {
    await ensureEngine(this.engine(), {
      env: { ...process.env, ...daemon.currentHook()?.env },
      systemdDir: this.options.systemdDir ?? '/etc/systemd/system',
      log: this.logger(daemon),
      startTimeoutMs: this.options.engineStartTimeoutMs ?? 60_000,
    });
  }

  apply(
    definitions: Readonly<Record<string, ContainerDefinition>>,
    daemon: DaemonContext,
    options: { readonly force?: boolean; readonly signal?: AbortSignal } = {},
  ): Promise<void> {
    return this.serial(daemon.unit, async () => {
      options.signal?.throwIfAborted();
      const engine = this.engine();
      const log = this.logger(daemon);
      await engine.reachable();
      for (const key of Object.keys(definitions)) checkContainerKey(key);
      const context: SpecContext = {
        unit: daemon.unit,
        dataDir: daemon.dataDir,
        clientEnv: (key) => this.clientEnvironment(key, daemon),
        luckyMounts: [...daemonMounts(daemon), ...(await this.kits.get(daemon))],
        labels: this.labels(),
        hostIp: resolveHostIp(this.options.hostIp),
      };
      const specs = Object.entries(definitions).map(([key, definition]) => containerSpec(key, definition, context));
      await reconcile(engine, daemon.unit, specs, {
        force: options.force ?? false,
        signal: options.signal,
        log,
        stopTimeout: this.options.stopTimeout ?? 10,
        report: (message) => {
          log.warn(message);
          daemon.currentHook()?.output('stderr', `Warning: ${message}\n`);
        },
      });
    });
  }

  async isRunning(name: string, daemon: DaemonContext): Promise<boolean> {
    if (!daemon.state.data.containers[name]) return false;
    const engine = this.engine();
    await engine.reachable();
    const state = await inspectContainer(engine, containerName(daemon.unit, name));
    return !!state && state.labels[UNIT_LABEL] === daemon.unit && state.running && !state.restarting;
  }

  async exec(
    name: string,
    command: readonly string[],
    options: { readonly env: Readonly<Record<string, string>>; readonly output: OutputSink; readonly signal?: AbortSignal },
    daemon: DaemonContext,
  ): Promise<number> {
    const display = containerLabel(name);
    if (!daemon.state.data.containers[name]) {
      throw new LuckyError(ErrorCode.ContainerFailed, `Cannot run ${command[0] ?? 'a command'} in container "${display}" because container does not exist.`);
    }
    const engine = this.engine();
    await engine.reachable();
    return execInContainer(engine, containerName(daemon.unit, name), display, command, options);
  }

  removeAll(daemon: DaemonContext): Promise<void> {
    return this.serial(daemon.unit, async () => {
      const engine = this.engine();
      const log = this.logger(daemon);
      await engine.reachable();
      const containers = await listUnitContainers(engine, daemon.unit);
      const errors: unknown[] = [];
      await Promise.all(
        containers.map(async (container) => {
          log.info(`Removing container ${container.name}`);
          try {
            await removeContainer(engine, container.id, this.options.stopTimeout ?? 10, container.state !== 'created' && container.state !== 'exited');
          } catch (error) {
            errors.push(error);
          }
        }),
      );
      if (errors.length > 0) throw errors[0];
    });
  }
}
