/**
 * Pebble's service manager, acting in the workload container: each service is a
 * Docker exec whose host PID is signalled to stop it. Starts wait Pebble's 1 s
 * "okay" delay; exits are handled by on-success/on-failure (restart with backoff,
 * ignore, shutdown); stops send SIGTERM, then SIGKILL after kill-delay.
 */
import { parseDuration } from '@lucky/plugin-pebble/client';
import type { Change, ChangeStore, Task } from './changes.js';
import type { ContainerProcess, WorkloadContainer } from './container.js';
import type { LogStore } from './logs.js';
import { splitCommand, startOrder, type Plan } from './plan.js';
import { constants } from 'node:os';
import { ApiError, badRequest } from './responses.js';
import { dockerUser, type IdResolver } from './users.js';
import { TIMED_OUT, within } from './within.js';

type State = 'initial' | 'starting' | 'running' | 'terminating' | 'killing' | 'stopped' | 'backoff' | 'exited';

const OKAY_DELAY_MS = 1_000;
const DEFAULT_KILL_DELAY_MS = 5_000;
const FAIL_DELAY_MS = 5_000;

interface Service {
  readonly name: string;
  state: State;
  since: string;
  /** The definition it was started with (JSON), for replan. */
  config: string | undefined;
  process: ContainerProcess | undefined;
  backoffMs: number;
  backoffTimer: NodeJS.Timeout | undefined;
  /** Set while a stop is in progress, so its exit is not handled as a failure. */
  stopping: boolean;
}

export interface ServiceInfoWire {
  name: string;
  startup: 'enabled' | 'disabled';
  current: 'active' | 'inactive' | 'error' | 'backoff';
  'current-since'?: string;
}

export class ServiceManager {
  private readonly services = new Map<string, Service>();
  private readonly container: WorkloadContainer;
  private readonly changes: ChangeStore;
  private readonly logs: LogStore;
  private readonly plan: () => Plan;
  private readonly ids: IdResolver;
  private readonly warn: (message: string) => void;

  constructor(options: {
    container: WorkloadContainer;
    changes: ChangeStore;
    logs: LogStore;
    plan: () => Plan;
    ids: IdResolver;
    warn: (message: string) => void;
  }) {
    this.container = options.container;
    this.changes = options.changes;
    this.logs = options.logs;
    this.plan = options.plan;
    this.ids = options.ids;
    this.warn = options.warn;
  }

  private record(name: string): Service {
    let service = this.services.get(name);
    if (!service) {
      service = { name, state: 'initial', since: '', config: undefined, process: undefined, backoffMs: 0, backoffTimer: undefined, stopping: false };
      this.services.set(name, service);
    }
    return service;
  }

  private setState(service: Service, state: State): void {
    service.state = state;
    service.since = new Date().toISOString();
  }

  private static current(state: State): ServiceInfoWire['current'] {
    switch (state) {
      case 'starting':
      case 'running':
      case 'terminating':
      case 'killing':
        return 'active';
      case 'backoff':
        return 'backoff';
      case 'exited':
        return 'error';
      default:
        return 'inactive';
    }
  }

  /** `GET /v1/services`: the plan's services (sorted), or the named ones. */
  list(names: readonly string[]): ServiceInfoWire[] {
    const plan = this.plan();
    const selected = (names.length > 0 ? names.filter((n) => n in plan.services) : Object.keys(plan.services)).sort();
    return selected.map((name) => {
      const service = this.services.get(name);
      const info: ServiceInfoWire = {
        name,
        startup: plan.services[name]?.startup === 'enabled' ? 'enabled' : 'disabled',
        current: ServiceManager.current(service?.state ?? 'initial'),
      };
      if (service?.since) info['current-since'] = service.since;
      return info;
    });
  }

  isActive(name: string): boolean {
    const state = this.services.get(name)?.state;
    return state === 'starting' || state === 'running';
  }

  /** The services with `startup: enabled`. */
  defaultServices(): string[] {
    return Object.entries(this.plan().services)
      .filter(([, s]) => s.startup === 'enabled')
      .map(([name]) => name)
      .sort();
  }

  /** Services whose definition changed since they were started, and that run. */
  changedRunning(): string[] {
    const plan = this.plan();
    return [...this.services.values()].filter((s) => this.isActive(s.name) && s.config !== JSON.stringify(plan.services[s.name])).map((s) => s.name);
  }

  /** Stop order: the reverse of start order, among the named services. */
  stopOrder(names: readonly string[]): string[] {
    const plan = this.plan();
    for (const name of names) if (!(name in plan.services)) throw badRequest(`service ${JSON.stringify(name)} does not exist`);
    const order = startOrder(plan, Object.keys(plan.services)).filter((name) => names.includes(name));
    return order.reverse();
  }

  startOrder(names: readonly string[]): string[] {
    return startOrder(this.plan(), names);
  }

  /** Makes the change for an action (tasks run one after another in order) and starts running it. */
  run(kind: string, summary: string, steps: readonly { action: 'start' | 'stop'; name: string }[], data?: Record<string, unknown>): Change {
    const change = this.changes.create(
      kind,
      summary,
      steps.map((step) => ({ kind: step.action, summary: `${step.action === 'start' ? 'Start' : 'Stop'} service ${JSON.stringify(step.name)}` })),
    );
    if (data) Object.assign(change.data, data);
    void (async () => {
      for (const [i, step] of steps.entries()) {
        const task = change.tasks[i]!;
        // A failed task holds the ones after it, as Pebble's lanes do.
        if (change.tasks.slice(0, i).some((t) => t.status === 'Error')) {
          task.status = 'Hold';
          task.readyTime = new Date().toISOString();
          change.update();
          continue;
        }
        task.start();
        try {
          if (step.action === 'start') await this.doStart(task, step.name);
          else await this.doStop(task, step.name);
        } catch (error) {
          task.fail((error as Error).message);
        }
      }
    })();
    return change;
  }

  private async doStart(task: Task, name: string): Promise<void> {
    const service = this.record(name);
    if (service.state === 'starting' || service.state === 'running') {
      task.logf(`Service ${JSON.stringify(name)} already started.`);
      task.done();
      return;
    }
    if (service.backoffTimer) clearTimeout(service.backoffTimer);
    service.backoffTimer = undefined;
    service.backoffMs = 0;
    const { exited: exit } = await this.spawn(service);
    const quick = await within(exit, OKAY_DELAY_MS);
    if (quick !== TIMED_OUT) {
      task.fail(`cannot start service: exited quickly with code ${quick}`);
      return;
    }
    if ((service.state as State) === 'starting') this.setState(service, 'running');
    task.done();
  }

  /** Starts the service's process; `exited` resolves with its exit code (wrapped: an async function would wait for it). */
  private async spawn(service: Service): Promise<{ exited: Promise<number> }> {
    const spec = this.plan().services[service.name];
    if (!spec) throw new Error(`service ${JSON.stringify(service.name)} is no longer in the plan`);
    const command = splitCommand(String(spec.command));
    const user = await dockerUser(this.ids, spec);
    service.config = JSON.stringify(spec);
    service.stopping = false;
    this.setState(service, 'starting');
    let proc: ContainerProcess;
    try {
      proc = await this.container.spawn({
        command,
        environment: (spec.environment as Record<string, string> | undefined) ?? {},
        ...(typeof spec['working-dir'] === 'string' && spec['working-dir'] !== '' ? { workingDir: spec['working-dir'] } : {}),
        ...(user !== undefined ? { user } : {}),
        onStdout: (chunk) => this.logs.write(service.name, chunk),
        onStderr: (chunk) => this.logs.write(service.name, chunk),
      });
    } catch (error) {
      this.setState(service, 'exited');
      throw new Error(`cannot start service: ${(error as Error).message}`, { cause: error });
    }
    service.process = proc;
    const started = service.since;
    const exited = proc.exited.then((code) => {
      this.logs.flush(service.name);
      if (service.process === proc) service.process = undefined;
      const wasStarting = service.state === 'starting' && service.since === started;
      if (wasStarting) {
        this.setState(service, 'exited');
        return code;
      }
      this.onExit(service, code);
      return code;
    });
    return { exited };
  }

  private onExit(service: Service, code: number): void {
    if (service.stopping || service.state === 'terminating' || service.state === 'killing') return;
    const spec = this.plan().services[service.name] ?? {};
    const action = String((code === 0 ? spec['on-success'] : spec['on-failure']) ?? 'restart');
    if (action === 'restart') {
      const delay = parseDuration(String(spec['backoff-delay'] ?? '500ms')) ?? 500;
      const factor = typeof spec['backoff-factor'] === 'number' ? spec['backoff-factor'] : 2;
      const limit = parseDuration(String(spec['backoff-limit'] ?? '30s')) ?? 30_000;
      service.backoffMs = service.backoffMs === 0 ? delay : Math.min(limit, service.backoffMs * factor);
      this.setState(service, 'backoff');
      service.backoffTimer = setTimeout(() => {
        service.backoffTimer = undefined;
        if (service.state !== 'backoff') return;
        this.spawn(service)
          .then(({ exited }) =>
            exited.then((quick) => {
              if (service.state === 'exited' && quick !== undefined) this.onExit(service, quick);
            }),
          )
          .catch((error: unknown) => this.warn(`cannot restart service ${service.name}: ${(error as Error).message}`));
        // Leave 'starting' once it has lasted the okay delay.
        setTimeout(() => {
          if (service.state === 'starting') this.setState(service, 'running');
        }, OKAY_DELAY_MS).unref();
      }, service.backoffMs);
      service.backoffTimer.unref();
      return;
    }
    if (action !== 'ignore')
      this.warn(`service ${service.name} exited with code ${code} and asks for "${action}"; this server does not shut down, the service is left exited`);
    this.setState(service, code === 0 && action === 'ignore' ? 'stopped' : 'exited');
  }

  private async doStop(task: Task, name: string): Promise<void> {
    const service = this.record(name);
    if (service.state === 'backoff') {
      if (service.backoffTimer) clearTimeout(service.backoffTimer);
      service.backoffTimer = undefined;
      this.setState(service, 'stopped');
      task.done();
      return;
    }
    const proc = service.process;
    if ((service.state !== 'starting' && service.state !== 'running') || !proc) {
      task.logf(`Service ${JSON.stringify(name)} already stopped.`);
      if (service.state !== 'exited' && service.state !== 'initial') this.setState(service, 'stopped');
      task.done();
      return;
    }
    service.stopping = true;
    this.setState(service, 'terminating');
    proc.signal('SIGTERM', true);
    const spec = this.plan().services[name] ?? {};
    const killDelay = parseDuration(String(spec['kill-delay'] ?? '')) ?? DEFAULT_KILL_DELAY_MS;
    if ((await within(proc.exited, killDelay)) === TIMED_OUT) {
      this.setState(service, 'killing');
      proc.signal('SIGKILL', true);
      if ((await within(proc.exited, FAIL_DELAY_MS)) === TIMED_OUT) {
        task.fail(`cannot stop service: process still running after SIGKILL`);
        return;
      }
    }
    service.stopping = false;
    this.setState(service, 'stopped');
    task.done();
  }

  /** `POST /v1/signals`: signals each named running service's processes; throws an ApiError (500, as Pebble) otherwise. */
  sendSignal(names: readonly string[], signal: string): void {
    if (!(signal in constants.signals) || !signal.startsWith('SIG')) throw new ApiError(500, `invalid signal name ${JSON.stringify(signal)}`);
    const plan = this.plan();
    const targets: ContainerProcess[] = [];
    for (const name of names) {
      if (!(name in plan.services)) throw new ApiError(500, `service ${JSON.stringify(name)} does not exist`);
      const proc = this.services.get(name)?.process;
      if (!proc || !this.isActive(name)) throw new ApiError(500, `cannot send signal to ${JSON.stringify(name)}: service is not running`);
      targets.push(proc);
    }
    for (const proc of targets) proc.signal(signal as NodeJS.Signals, true);
  }

  /** on-check-failure: restarts the services that ask for it when `check` goes down. */
  checkFailed(check: string): void {
    for (const [name, spec] of Object.entries(this.plan().services)) {
      const actions = spec['on-check-failure'] as Record<string, string> | undefined;
      const action = actions?.[check];
      if (action === undefined || action === 'ignore') continue;
      if (action !== 'restart') {
        this.warn(`service ${name} asks for "${action}" when check ${check} fails; this server does not shut down`);
        continue;
      }
      if (!this.isActive(name)) continue;
      this.run('restart', `Restart service ${JSON.stringify(name)} after check ${JSON.stringify(check)} failed`, [
        { action: 'stop', name },
        { action: 'start', name },
      ]);
    }
  }

  /** Stops every running service (server shutdown). */
  async stopAll(): Promise<void> {
    const active = [...this.services.values()].filter((s) => s.process);
    for (const s of active) {
      s.stopping = true;
      if (s.backoffTimer) clearTimeout(s.backoffTimer);
      s.process?.signal('SIGKILL', true);
    }
  }
}
