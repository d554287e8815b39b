import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode, LuckyError, type ContainerDefinition, type ContainerRuntime, type DaemonContext, type Logger, type OutputSink } from '@lucky/core';
import type { CheckSpec, PebbleClient, ServiceSpec } from '../client/index.js';
import { describeClientKit, placeClientKit, type ClientKit } from './client-kit.js';
import { PebbleClients, isUnreachable, pebbleFailure } from './connection.js';
import { LAYER_LABEL, checkSpec, containerLayer, isLuckyService, removedCheckSpec, removedServiceSpec, serviceSpec, workloadPath } from './layer.js';
import { readSidecarMetadata, workloadContainer, type SidecarMetadata, type WorkloadContainer } from './metadata.js';
import { WORKLOAD_DAEMON_SOCKET, WORKLOAD_SCRIPTS_DIR, containerPaths, containersDir, type ContainerPaths } from './paths.js';
import { mutatePebbleState, pebbleState, type CheckDefinition } from './plugin-state.js';
import { checkPortBindings, syncPorts, wantedPorts } from './ports.js';
import { pushScripts } from './scripts.js';

/** Options of the Pebble runtime (`runtime: [pebble, {…}]` in lucky.yaml); all optional. */
export interface PebbleRuntimeOptions {
  /** The charm container's directory of workload containers; default `/charm/containers` (LUCKY_PEBBLE_CONTAINERS_DIR wins). */
  readonly containersDir?: string | undefined;
  /** How long `ensureEngine` waits for each container's Pebble to answer; default 120 000 ms. */
  readonly readyTimeoutMs?: number | undefined;
  /** Timeout of one Pebble API request (the client's default when unset). */
  readonly requestTimeoutMs?: number | undefined;
}

/** Where one workload container is reached, and the Lucky container key that defines it, if any. */
export interface Target {
  readonly container: WorkloadContainer;
  readonly paths: ContainerPaths;
  readonly client: PebbleClient;
}

/**
 * Lucky's container model on Pebble, for Kubernetes sidecar charms: the pod's
 * workload containers are the metadata's `containers:`, each run by its own Pebble;
 * a definition becomes Lucky's layer there (one service named after the
 * container), scripts run through Pebble's exec, and `lucky` inside reaches the
 * daemon through the directory Juju shares with each container.
 */
export class PebbleRuntime implements ContainerRuntime {
  readonly name = 'pebble';
  readonly scriptsDir = WORKLOAD_SCRIPTS_DIR;
  private readonly options: PebbleRuntimeOptions;
  private readonly clients: PebbleClients;
  private readonly kits = new WeakMap<object, Promise<ClientKit>>();
  /** Applies, removals and check changes run one at a time; execs never wait for them. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: PebbleRuntimeOptions = {}) {
    this.options = options;
    this.clients = new PebbleClients(options.requestTimeoutMs);
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private logger(daemon: DaemonContext): Logger {
    return daemon.log.getSubLogger({ name: 'pebble' });
  }

  /** Tells the running hook (and the log) something it should know but that is no failure. */
  private note(daemon: DaemonContext, message: string): void {
    this.logger(daemon).warn(message);
    daemon.currentHook()?.output('stderr', `Warning: ${message}\n`);
  }

  metadata(daemon: Pick<DaemonContext, 'charmDir'>): SidecarMetadata {
    return readSidecarMetadata(daemon.charmDir);
  }

  private target(daemon: DaemonContext, container: WorkloadContainer): Target {
    const paths = containerPaths(containersDir(daemon, this.options.containersDir), container.name);
    return { container, paths, client: this.clients.get(paths.pebbleSocket) };
  }

  /** Where workload container `name` (of the metadata) is reached now. */
  targetOf(name: string, daemon: DaemonContext): Target {
    const container = this.metadata(daemon).containers.get(name);
    if (!container) throw new LuckyError(ErrorCode.InvalidArgument, `There is no container "${name}" in the charm's metadata.`);
    return this.target(daemon, container);
  }

  /** The definitions by the workload container they define; two keys for one container are refused. */
  private byContainer(metadata: SidecarMetadata, definitions: Readonly<Record<string, ContainerDefinition>>): Map<string, [string, ContainerDefinition]> {
    const found = new Map<string, [string, ContainerDefinition]>();
    for (const [key, definition] of Object.entries(definitions)) {
      const { name } = workloadContainer(metadata, key);
      const other = found.get(name);
      if (other) {
        throw new LuckyError(
          ErrorCode.ContainerFailed,
          `Container "${name}" is defined twice, as the default container and as "${name}"; delete one of the definitions (lucky container delete${other[0] === '' ? '' : ` -c ${other[0]}`}).`,
        );
      }
      found.set(name, [key, definition]);
    }
    return found;
  }

  /**
   * Makes `lucky` usable in the container: places the client kit in the shared
   * directory and serves the daemon's container channel there. Cheap when done.
   */
  async prepare(target: Target, daemon: DaemonContext): Promise<void> {
    let kit = this.kits.get(daemon);
    if (!kit) {
      kit = describeClientKit(daemon);
      this.kits.set(daemon, kit);
      kit.catch(() => this.kits.delete(daemon));
    }
    try {
      await placeClientKit(await kit, target.paths.lucky);
      await daemon.listenContainerChannel(target.paths.daemonSocket);
    } catch (error) {
      throw new LuckyError(
        ErrorCode.ContainerFailed,
        `Could not make lucky available in container "${target.container.name}" (${target.paths.lucky}): ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  clientEnvironment(): Readonly<Record<string, string>> {
    return { LUCKY_DAEMON_SOCKET: WORKLOAD_DAEMON_SOCKET };
  }

  /**
   * Under Kubernetes the pod fixes each container's image: only the container's own
   * OCI image resource is accepted, by its name or as `resource:<name>`.
   */
  checkImage(key: string, image: string, daemon: DaemonContext): void {
    const metadata = this.metadata(daemon);
    const container = workloadContainer(metadata, key);
    const resource = container.resource;
    if (resource !== undefined && (image === resource || image === `resource:${resource}`)) return;
    const flag = key === '' ? '' : ` -c ${key}`;
    throw new LuckyError(
      ErrorCode.InvalidArgument,
      resource === undefined
        ? `Cannot set the image of container "${container.name}" to "${image}": under Kubernetes the pod fixes the image, and ${metadata.file} gives this container no oci-image resource; declare "resource:" for it.`
        : `Cannot set the image of container "${container.name}" to "${image}": under Kubernetes the pod runs the container's OCI image resource "${resource}" (${metadata.file}); name it with "lucky container image set ${resource}${flag}", and change the image with "juju attach-resource".`,
    );
  }

  /** Volumes must be the container's storage mounts; ports keep their number; the pod's network is Kubernetes'. */
  checkDefinition(key: string, definition: ContainerDefinition, daemon: DaemonContext): void {
    const metadata = this.metadata(daemon);
    const container = workloadContainer(metadata, key);
    for (const [target, source] of Object.entries(definition.volumes)) {
      if (container.mounts.some((mount) => mount.storage === source && mount.location === target)) continue;
      const declared = container.mounts.map((mount) => `${mount.storage} at ${mount.location}`).join(', ');
      throw new LuckyError(
        ErrorCode.InvalidArgument,
        `Cannot mount "${source}" at ${target} in container "${container.name}": under Kubernetes a container mounts only the storage its metadata declares (${metadata.file}: containers.${container.name}.mounts${declared ? `: ${declared}` : ' is empty'}); add the mount there, or use "lucky container volume add <storage> <location>".`,
      );
    }
    checkPortBindings(key, definition);
    if (definition.network !== null) {
      throw new LuckyError(
        ErrorCode.InvalidArgument,
        `Cannot put container "${container.name}" on network "${definition.network}": under Kubernetes every container of the pod shares the pod's network; remove the setting (lucky container set-network --unset).`,
      );
    }
  }

  async ensureEngine(daemon: DaemonContext): Promise<void> {
    const metadata = this.metadata(daemon);
    const timeoutMs = this.options.readyTimeoutMs ?? 120_000;
    for (const container of metadata.containers.values()) {
      const target = this.target(daemon, container);
      const deadline = Date.now() + timeoutMs;
      for (let wait = 50; ; wait = Math.min(wait * 2, 1000)) {
        try {
          await target.client.systemInfo();
          break;
        } catch (error) {
          if (!isUnreachable(error)) throw pebbleFailure('Asking Pebble for its system info', container.name, target.paths.pebbleSocket, error);
          if (Date.now() > deadline) {
            throw new LuckyError(
              ErrorCode.ContainerFailed,
              `Pebble of container "${container.name}" did not answer on ${target.paths.pebbleSocket} within ${Math.round(timeoutMs / 1000)} s; check that the pod's workload container runs (kubectl describe pod), or set LUCKY_PEBBLE_CONTAINERS_DIR if the containers' directories are elsewhere.`,
              { cause: error },
            );
          }
          daemon.currentHook()?.signal.throwIfAborted();
          await sleep(wait);
        }
      }
      await this.prepare(target, daemon);
    }
  }

  apply(
    definitions: Readonly<Record<string, ContainerDefinition>>,
    daemon: DaemonContext,
    options: { readonly force?: boolean; readonly signal?: AbortSignal } = {},
  ): Promise<void> {
    return this.serial(async () => {
      const metadata = this.metadata(daemon);
      const defined = this.byContainer(metadata, definitions);
      const checks = pebbleState(daemon.state.data).checks;
      const gone: Array<[string, string]> = [];
      for (const container of metadata.containers.values()) {
        options.signal?.throwIfAborted();
        const target = this.target(daemon, container);
        const found = await this.applyContainer(target, defined.get(container.name), checks[container.name] ?? {}, daemon, options.force ?? false);
        for (const name of found.prunedChecks) gone.push([container.name, name]);
      }
      const hook = daemon.currentHook();
      const stateNow = pebbleState(daemon.state.data);
      const wanted = wantedPorts(definitions);
      // Juju's tools only in a hook, and only when there are ports to look at.
      const ports = hook && (wanted.length > 0 || stateNow.ports.length > 0) ? await syncPorts(hook, wanted, stateNow) : stateNow.ports;
      if (gone.length > 0 || JSON.stringify(ports) !== JSON.stringify(stateNow.ports)) {
        await mutatePebbleState(daemon, (state) => {
          state.ports = ports;
          for (const [container, name] of gone) {
            const checks = state.checks[container];
            if (checks?.[name] === null) delete checks[name];
          }
        });
      }
    });
  }

  /**
   * One container: Lucky's layer with its service and checks, added with combine,
   * then replan, which restarts only services whose definition changed. A service
   * whose definition is gone is stopped first, then disabled in the layer.
   */
  private async applyContainer(
    target: Target,
    entry: [string, ContainerDefinition] | undefined,
    checks: Readonly<Record<string, CheckDefinition | null>>,
    daemon: DaemonContext,
    force: boolean,
  ): Promise<{ prunedChecks: string[] }> {
    const { client, container, paths } = target;
    const name = container.name;
    let plan;
    try {
      plan = await client.getPlan();
    } catch (error) {
      if (!isUnreachable(error)) throw pebbleFailure('Reading the plan', name, paths.pebbleSocket, error);
      if (entry)
        this.note(daemon, `Pebble of container "${name}" does not answer on ${paths.pebbleSocket} yet; its definition is applied on ${name}-pebble-ready.`);
      return { prunedChecks: [] };
    }
    const fail = (what: string) => (error: unknown) => {
      throw pebbleFailure(what, name, paths.pebbleSocket, error);
    };
    await this.prepare(target, daemon);
    const planned: ServiceSpec | undefined = plan.services?.[name];
    const services: Record<string, ServiceSpec> = {};
    if (entry) {
      services[name] = serviceSpec(entry[0], entry[1], this.clientEnvironment());
    } else if (isLuckyService(planned)) {
      this.logger(daemon).info(`Stopping service ${name}: its container definition was deleted`);
      const [current] = await client.getServices([name]).catch(fail('Reading the service'));
      if (current?.current === 'active') await client.stopServices([name]).catch(fail(`Stopping service ${name}`));
      services[name] = removedServiceSpec(planned!);
    }
    const specs: Record<string, CheckSpec> = {};
    const prunedChecks: string[] = [];
    const serviceContext = entry ? name : undefined;
    for (const [check, definition] of Object.entries(checks)) {
      if (definition) specs[check] = checkSpec(definition, serviceContext);
      else if (plan.checks?.[check]) specs[check] = removedCheckSpec();
      else prunedChecks.push(check);
    }
    const layer = containerLayer({ services, checks: specs });
    if (layer) await client.addLayer(LAYER_LABEL, layer, { combine: true }).catch(fail('Adding the lucky layer'));
    if (entry) {
      await client.replan().catch(fail(`Starting service ${name} (replan)`));
      if (force) await client.restartServices([name]).catch(fail(`Restarting service ${name}`));
    }
    await this.ensureScripts(target, daemon);
    return { prunedChecks };
  }

  /**
   * Makes the container's scripts the charm's: compares with the manifest in the
   * container (one files API call), so a restarted container, whose filesystem is
   * new, gets them all again.
   */
  private async ensureScripts(target: Target, daemon: DaemonContext): Promise<void> {
    if (await pushScripts(target.client, daemon.charmDir, target.container.name)) {
      this.logger(daemon).info(`Pushed container_scripts/ to ${WORKLOAD_SCRIPTS_DIR} in container ${target.container.name}`);
    }
  }

  /** Adds the checks of one container to its layer at once (a check declared by a script). */
  applyChecks(containerName: string, daemon: DaemonContext): Promise<boolean> {
    return this.serial(async () => {
      const container = this.metadata(daemon).containers.get(containerName);
      if (!container) return false;
      const target = this.target(daemon, container);
      const checks = pebbleState(daemon.state.data).checks[containerName] ?? {};
      let plan;
      try {
        plan = await target.client.getPlan();
      } catch (error) {
        if (isUnreachable(error)) return false;
        throw pebbleFailure('Reading the plan', containerName, target.paths.pebbleSocket, error);
      }
      const serviceContext = isLuckyService(plan.services?.[containerName]) ? containerName : undefined;
      const specs: Record<string, CheckSpec> = {};
      for (const [check, definition] of Object.entries(checks)) {
        if (definition) specs[check] = checkSpec(definition, serviceContext);
        else if (plan.checks?.[check]) specs[check] = removedCheckSpec();
      }
      const layer = containerLayer({ services: {}, checks: specs });
      if (layer) {
        await target.client.addLayer(LAYER_LABEL, layer, { combine: true }).catch((error: unknown) => {
          throw pebbleFailure('Adding the checks to the lucky layer', containerName, target.paths.pebbleSocket, error);
        });
      }
      return true;
    });
  }

  /** The live state of checks in one container (Pebble's `/v1/checks`), or undefined when Pebble does not answer. */
  async checkStatus(containerName: string, daemon: DaemonContext): Promise<Map<string, { status: string; failures: number }> | undefined> {
    const container = this.metadata(daemon).containers.get(containerName);
    if (!container) return undefined;
    try {
      const found = await this.target(daemon, container).client.getChecks({});
      return new Map(found.map((check) => [check.name, { status: check.status, failures: check.failures }]));
    } catch (error) {
      if (isUnreachable(error)) return undefined;
      throw error;
    }
  }

  async isRunning(key: string, daemon: DaemonContext): Promise<boolean> {
    if (!daemon.state.data.containers[key]) return false;
    const container = workloadContainer(this.metadata(daemon), key);
    const target = this.target(daemon, container);
    try {
      const [service] = await target.client.getServices([container.name]);
      return service?.current === 'active';
    } catch (error) {
      if (isUnreachable(error)) return false;
      throw pebbleFailure(`Reading service ${container.name}`, container.name, target.paths.pebbleSocket, error);
    }
  }

  async exec(
    key: string,
    command: readonly string[],
    options: { readonly env: Readonly<Record<string, string>>; readonly output: OutputSink; readonly signal?: AbortSignal },
    daemon: DaemonContext,
  ): Promise<number> {
    const container = workloadContainer(this.metadata(daemon), key);
    const target = this.target(daemon, container);
    const program = command[0] ?? 'a command';
    options.signal?.throwIfAborted();
    try {
      if (command[0]?.startsWith(`${WORKLOAD_SCRIPTS_DIR}/`)) await this.ensureScripts(target, daemon);
      const environment = { ...options.env, ...this.clientEnvironment(), PATH: workloadPath(options.env.PATH) };
      const stdout = new StringDecoder('utf8');
      const stderr = new StringDecoder('utf8');
      const emit = (stream: 'stdout' | 'stderr', text: string) => text && options.output(stream, text);
      let exitCode: number;
      try {
        // An abort signals the command (SIGTERM through the control websocket); its end is still awaited.
        exitCode = await target.client.exec([...command], {
          environment,
          onStdout: (chunk) => emit('stdout', stdout.write(chunk)),
          onStderr: (chunk) => emit('stderr', stderr.write(chunk)),
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } finally {
        emit('stdout', stdout.end());
        emit('stderr', stderr.end());
      }
      options.signal?.throwIfAborted();
      return exitCode;
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw pebbleFailure(`Running ${program}`, container.name, target.paths.pebbleSocket, error);
    }
  }

  removeAll(daemon: DaemonContext): Promise<void> {
    return this.serial(async () => {
      const errors: unknown[] = [];
      for (const container of this.metadata(daemon).containers.values()) {
        const { client, paths } = this.target(daemon, container);
        const name = container.name;
        try {
          const plan = await client.getPlan();
          const planned = plan.services?.[name];
          if (!isLuckyService(planned)) continue;
          this.logger(daemon).info(`Stopping service ${name}`);
          const [current] = await client.getServices([name]);
          if (current?.current === 'active') await client.stopServices([name]);
          await client.addLayer(LAYER_LABEL, { services: { [name]: removedServiceSpec(planned!) } }, { combine: true });
        } catch (error) {
          // A container whose Pebble is gone has no services left to stop.
          if (!isUnreachable(error)) errors.push(pebbleFailure(`Stopping service ${name}`, name, paths.pebbleSocket, error));
        }
      }
      if (errors.length > 0) throw errors[0];
    });
  }
}
