/**
 * Pebble's health checks: each enabled check of the plan runs every `period`
 * (http and tcp from the host, `localhost` being the container's address, as the
 * checks of a pod's Pebble reach its own ports; exec as a process in the container). After
 * `threshold` failures in a row it is down: its perform-check change ends in
 * Error and a recover-check change starts; one success brings it back up.
 */
import { connect } from 'node:net';
import { parseDuration } from '@lucky/plugin-pebble/client';
import type { Change, ChangeStore } from './changes.js';
import type { WorkloadContainer } from './container.js';
import { splitCommand, type Plan } from './plan.js';
import { dockerUser, type IdResolver } from './users.js';
import { TIMED_OUT, within } from './within.js';
import { checkHost, httpCheck } from './check-reach.js';

const DEFAULT_PERIOD_MS = 10_000;
const DEFAULT_TIMEOUT_MS = 3_000;
const DEFAULT_THRESHOLD = 3;

interface CheckState {
  readonly name: string;
  /** The definition it runs with (JSON): a changed definition restarts it. */
  config: string;
  failures: number;
  down: boolean;
  timer: NodeJS.Timeout | undefined;
  change: Change | undefined;
  running: boolean;
}

export interface CheckEvents {
  failed(check: string): void;
  recovered(check: string): void;
}

function kindOf(spec: Record<string, unknown>): 'http' | 'tcp' | 'exec' {
  return spec.http !== undefined ? 'http' : spec.tcp !== undefined ? 'tcp' : 'exec';
}

const KIND_TITLE = { http: 'HTTP', tcp: 'TCP', exec: 'exec' } as const;

export class CheckManager {
  private readonly checks = new Map<string, CheckState>();
  private readonly container: WorkloadContainer;
  private readonly changes: ChangeStore;
  private readonly plan: () => Plan;
  private readonly ids: IdResolver;
  private readonly events: CheckEvents;
  private closed = false;

  constructor(options: { container: WorkloadContainer; changes: ChangeStore; plan: () => Plan; ids: IdResolver; events: CheckEvents }) {
    this.container = options.container;
    this.changes = options.changes;
    this.plan = options.plan;
    this.ids = options.ids;
    this.events = options.events;
  }

  /** Brings the running checks in line with the plan (after a layer is added or a replan). */
  planChanged(): void {
    if (this.closed) return;
    const plan = this.plan();
    for (const [name, state] of this.checks) {
      const spec = plan.checks[name];
      if (!spec || spec.startup === 'disabled' || JSON.stringify(spec) !== state.config) this.stop(name);
    }
    for (const [name, spec] of Object.entries(plan.checks)) {
      if (spec.startup === 'disabled' || this.checks.has(name)) continue;
      this.start(name, spec);
    }
  }

  private start(name: string, spec: Record<string, unknown>): void {
    const state: CheckState = { name, config: JSON.stringify(spec), failures: 0, down: false, timer: undefined, change: undefined, running: false };
    this.checks.set(name, state);
    state.change = this.newChange(state, 'perform-check');
    const period = parseDuration(String(spec.period ?? '')) ?? DEFAULT_PERIOD_MS;
    state.timer = setInterval(() => void this.tick(state), Math.max(period, 10));
    state.timer.unref();
  }

  private stop(name: string): void {
    const state = this.checks.get(name);
    if (!state) return;
    if (state.timer) clearInterval(state.timer);
    const task = state.change?.tasks[0];
    if (task && !task.ready) task.done();
    this.checks.delete(name);
  }

  private newChange(state: CheckState, kind: 'perform-check' | 'recover-check'): Change {
    const spec = this.plan().checks[state.name] ?? {};
    const title = KIND_TITLE[kindOf(spec)];
    const summary = `${kind === 'perform-check' ? 'Perform' : 'Recover'} ${title} check ${JSON.stringify(state.name)}`;
    const change = this.changes.create(kind, summary, [{ kind, summary }]);
    change.data['check-name'] = state.name;
    change.tasks[0]!.data['check-name'] = state.name;
    change.tasks[0]!.start();
    return change;
  }

  private async tick(state: CheckState): Promise<void> {
    if (state.running || this.closed) return;
    state.running = true;
    try {
      const spec = this.plan().checks[state.name];
      if (!spec || this.checks.get(state.name) !== state) return;
      const failure = await this.perform(spec);
      if (this.checks.get(state.name) !== state || this.closed) return;
      const threshold = typeof spec.threshold === 'number' ? spec.threshold : DEFAULT_THRESHOLD;
      if (failure === undefined) {
        state.failures = 0;
        if (state.down) {
          state.down = false;
          state.change?.tasks[0]?.done();
          state.change = this.newChange(state, 'perform-check');
          this.events.recovered(state.name);
        }
        return;
      }
      state.failures += 1;
      state.change?.tasks[0]?.logf(`check failed (${state.failures}/${threshold}): ${failure}`);
      if (!state.down && state.failures >= threshold) {
        state.down = true;
        state.change?.tasks[0]?.fail(`failed ${state.failures} times in a row: ${failure}`);
        state.change = this.newChange(state, 'recover-check');
        this.events.failed(state.name);
      }
    } finally {
      state.running = false;
    }
  }

  /** Runs the check once; resolves undefined on success, or why it failed. */
  private async perform(spec: Record<string, unknown>): Promise<string | undefined> {
    const timeoutMs = parseDuration(String(spec.timeout ?? '')) ?? DEFAULT_TIMEOUT_MS;
    try {
      if (spec.http !== undefined) {
        const http = spec.http as { url: string; headers?: Record<string, string> };
        return await httpCheck(http.url, http.headers ?? {}, timeoutMs, await this.container.ipAddress());
      }
      if (spec.tcp !== undefined) {
        const tcp = spec.tcp as { port: number; host?: string };
        const reach = checkHost(tcp.host, await this.container.ipAddress());
        if ('refused' in reach) return `dial tcp ${tcp.host ?? ''}:${tcp.port}: ${reach.refused}`;
        return await tcpConnect(reach.address, tcp.port, timeoutMs);
      }
      const exec = spec.exec as { command: string; environment?: Record<string, string>; 'working-dir'?: string; 'service-context'?: string } & Record<
        string,
        unknown
      >;
      const context = exec['service-context'] ? (this.plan().services[exec['service-context']] ?? {}) : {};
      const user = await dockerUser(this.ids, { ...context, ...exec });
      const env = { ...((context.environment as Record<string, string> | undefined) ?? {}), ...(exec.environment ?? {}) };
      const workingDir = exec['working-dir'] ?? (context['working-dir'] as string | undefined);
      const proc = await this.container.spawn({
        command: splitCommand(exec.command),
        environment: env,
        ...(workingDir ? { workingDir } : {}),
        ...(user !== undefined ? { user } : {}),
      });
      const code = await within(proc.exited, timeoutMs);
      if (code === TIMED_OUT) {
        proc.signal('SIGKILL', true);
        return `exec check timed out after ${timeoutMs} ms`;
      }
      return code === 0 ? undefined : `exit status ${String(code)}`;
    } catch (error) {
      return (error as Error).message;
    }
  }

  /** `GET /v1/checks` items, sorted by name. */
  list(level: string | undefined, names: readonly string[]): Record<string, unknown>[] {
    const plan = this.plan();
    return Object.keys(plan.checks)
      .sort()
      .filter((name) => names.length === 0 || names.includes(name))
      .filter((name) => level === undefined || level === '' || plan.checks[name]?.level === level)
      .map((name) => {
        const spec = plan.checks[name]!;
        const state = this.checks.get(name);
        const info: Record<string, unknown> = {
          name,
          startup: spec.startup === 'disabled' ? 'disabled' : 'enabled',
          status: state?.down ? 'down' : 'up',
          failures: state?.failures ?? 0,
          threshold: typeof spec.threshold === 'number' ? spec.threshold : DEFAULT_THRESHOLD,
        };
        if (spec.level !== undefined) info.level = spec.level;
        if (state?.change) info['change-id'] = state.change.id;
        return info;
      });
  }

  /** Health as Pebble computes it: a down check of the level (ready implies alive; none: any level) among `names` (none: all). */
  healthy(level: 'alive' | 'ready' | undefined, names: readonly string[] = []): boolean {
    const plan = this.plan();
    for (const [name, state] of this.checks) {
      if (!state.down || (names.length > 0 && !names.includes(name))) continue;
      const checkLevel = plan.checks[name]?.level;
      if (level === undefined || checkLevel === level || (level === 'ready' && checkLevel === 'alive')) return false;
    }
    return true;
  }

  close(): void {
    this.closed = true;
    for (const name of [...this.checks.keys()]) this.stop(name);
  }
}

function tcpConnect(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(`dial tcp ${host}:${port}: i/o timeout`);
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(undefined);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      resolve(`dial tcp ${host}:${port}: ${error.message}`);
    });
  });
}
