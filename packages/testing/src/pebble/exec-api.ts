/**
 * Pebble's exec: `POST /v1/exec` checks the command and working directory up
 * front, makes an "exec" change whose one task waits for its websockets
 * (control, stdio and, with split-stderr, stderr), then runs the command in the
 * container. Output goes out as binary messages, then `{"command":"end"}`; stdin
 * comes in the same way; control takes `signal` and `resize`. The exit code is
 * the task's `exit-code` data.
 */
import type { WebSocket } from '@lucky/plugin-pebble/websocket';
import { formatDuration, parseDuration } from '@lucky/plugin-pebble/client';
import type { Change, ChangeStore, Task } from './changes.js';
import type { ContainerProcess, WorkloadContainer } from './container.js';
import type { Plan } from './plan.js';
import { badRequest } from './responses.js';
import { normalizeIds, type IdResolver } from './users.js';

const CONNECT_TIMEOUT_MS = 5_000;
const END = JSON.stringify({ command: 'end' });

const PRECHECK = `
cmd=$1; wd=$2
case "$cmd" in
  */*) [ -f "$cmd" ] && [ -x "$cmd" ] || exit 10 ;;
  *) "$BB" which "$cmd" >/dev/null 2>&1 || exit 10 ;;
esac
if [ -n "$wd" ] && [ ! -d "$wd" ]; then exit 11; fi
exit 0`;

export interface ExecPayload {
  command?: unknown;
  'service-context'?: string;
  environment?: Record<string, string>;
  'working-dir'?: string;
  timeout?: string;
  'user-id'?: number | null;
  user?: string;
  'group-id'?: number | null;
  group?: string;
  terminal?: boolean;
  interactive?: boolean;
  'split-stderr'?: boolean;
  width?: number;
  height?: number;
}

/** What the client sent before the process existed, and the process once it does. */
interface ExecIo {
  proc: ContainerProcess | undefined;
  early: Buffer[];
  stdinEnded: boolean;
  stdinOpen: boolean;
  signals: string[];
}

interface PendingExec {
  readonly task: Task;
  readonly sockets: Map<string, WebSocket>;
  readonly wanted: readonly string[];
  readonly io: ExecIo;
  connected: () => void;
}

export class ExecApi {
  private readonly pending = new Map<string, PendingExec>();
  private readonly container: WorkloadContainer;
  private readonly changes: ChangeStore;
  private readonly plan: () => Plan;
  private readonly ids: IdResolver;
  private readonly running = new Set<ContainerProcess>();

  constructor(options: { container: WorkloadContainer; changes: ChangeStore; plan: () => Plan; ids: IdResolver }) {
    this.container = options.container;
    this.changes = options.changes;
    this.plan = options.plan;
    this.ids = options.ids;
  }

  /** Validates the request, makes the change and starts waiting for the websockets. */
  async start(payload: ExecPayload): Promise<{ change: Change; result: Record<string, unknown> }> {
    const command = payload.command;
    if (!Array.isArray(command) || command.length === 0 || !command.every((c) => typeof c === 'string')) throw badRequest('must specify command');
    let timeoutMs: number | undefined;
    if (payload.timeout) {
      timeoutMs = parseDuration(payload.timeout);
      if (timeoutMs === undefined) throw badRequest(`invalid timeout: time: invalid duration ${JSON.stringify(payload.timeout)}`);
    }
    // The service context gives defaults the request overrides.
    let context: Record<string, unknown> = {};
    if (payload['service-context']) {
      const service = this.plan().services[payload['service-context']];
      if (!service) throw badRequest(`context service ${JSON.stringify(payload['service-context'])} not found`);
      context = service;
    }
    const environment = { ...((context.environment as Record<string, string> | undefined) ?? {}), ...(payload.environment ?? {}) };
    const workingDir = payload['working-dir'] || (context['working-dir'] as string | undefined) || '';
    const pick = <T>(own: T | undefined | null | '', fallback: unknown): T | undefined =>
      own !== undefined && own !== null && own !== '' ? own : (fallback as T | undefined);
    const ids = await normalizeIds(this.ids, {
      ...(pick<number>(payload['user-id'], context['user-id']) !== undefined && { userId: pick<number>(payload['user-id'], context['user-id'])! }),
      ...(pick<string>(payload.user, context.user) !== undefined && { user: pick<string>(payload.user, context.user)! }),
      ...(pick<number>(payload['group-id'], context['group-id']) !== undefined && { groupId: pick<number>(payload['group-id'], context['group-id'])! }),
      ...(pick<string>(payload.group, context.group) !== undefined && { group: pick<string>(payload.group, context.group)! }),
    });
    const check = await this.container.script(PRECHECK, [command[0] as string, workingDir]);
    if (check.exitCode === 10) throw badRequest(`cannot find executable ${JSON.stringify(command[0])}`);
    if (check.exitCode === 11) throw badRequest(`cannot find working directory ${JSON.stringify(workingDir)}`);
    if (check.exitCode !== 0) throw badRequest(`cannot check executable ${JSON.stringify(command[0])}: ${check.stderr.toString('utf8').trim()}`);

    const summary = `Execute command ${JSON.stringify(command[0])}`;
    const change = this.changes.create('exec', summary, [{ kind: 'exec', summary }]);
    const task = change.tasks[0]!;
    const terminal = payload.terminal ?? false;
    const split = payload['split-stderr'] ?? false;
    const wanted = ['control', 'stdio', ...(split && !terminal ? ['stderr'] : [])];
    let connected: () => void = () => undefined;
    const allConnected = new Promise<boolean>((resolve) => {
      connected = () => resolve(true);
      setTimeout(() => resolve(false), CONNECT_TIMEOUT_MS).unref();
    });
    const pending: PendingExec = {
      task,
      sockets: new Map(),
      wanted,
      connected,
      io: { proc: undefined, early: [], stdinEnded: false, stdinOpen: true, signals: [] },
    };
    this.pending.set(task.id, pending);
    task.start();
    void allConnected.then(async (ok) => {
      if (!ok) {
        this.pending.delete(task.id);
        for (const ws of pending.sockets.values()) ws.terminate();
        task.fail('timeout waiting for websocket connections');
        return;
      }
      const user = ids.uid === undefined ? undefined : `${ids.uid}:${ids.gid ?? ids.uid}`;
      await this.run(pending, {
        command: command,
        environment,
        workingDir,
        ...(user !== undefined && { user }),
        ...(timeoutMs !== undefined && { timeoutMs }),
        terminal,
        split,
      }).catch((error: unknown) => {
        if (!task.ready) task.fail((error as Error).message);
      });
      this.pending.delete(task.id);
    });
    return { change, result: { environment, 'task-id': task.id, 'working-dir': workingDir } };
  }

  /** Whether a task is an exec waiting for this websocket id (for the upgrade route). */
  wants(taskId: string, id: string): 'ok' | 'no-task' | 'no-websocket' {
    const pending = this.pending.get(taskId);
    if (!pending) return 'no-task';
    return pending.wanted.includes(id) && !pending.sockets.has(id) ? 'ok' : 'no-websocket';
  }

  attach(taskId: string, id: string, ws: WebSocket): void {
    const pending = this.pending.get(taskId);
    if (!pending) {
      void ws.close(1011, 'no such task');
      return;
    }
    pending.sockets.set(id, ws);
    // Listen from the start: a client may send all of stdin, its end, or a signal before the process exists.
    const io = pending.io;
    if (id === 'stdio') {
      ws.on('message', (data, binary) => {
        if (binary) {
          if (!io.proc) io.early.push(data);
          else if (io.stdinOpen) io.proc.stream.write(data);
        } else if (isEnd(data)) closeStdin(io);
      });
      ws.on('close', () => closeStdin(io));
    } else if (id === 'control') {
      ws.on('message', (data) => {
        let message: { command?: string; signal?: { name?: string } };
        try {
          message = JSON.parse(data.toString('utf8')) as typeof message;
        } catch {
          return;
        }
        if (message.command === 'signal' && message.signal?.name) {
          const name = message.signal.name.toUpperCase();
          if (io.proc) sendSignal(pending.task, io.proc, name);
          else io.signals.push(name);
        }
        // "resize" only matters for a terminal, where the size is advisory here.
      });
    }
    if (pending.wanted.every((name) => pending.sockets.has(name))) pending.connected();
  }

  private async run(
    pending: PendingExec,
    options: {
      command: string[];
      environment: Record<string, string>;
      workingDir: string;
      user?: string;
      timeoutMs?: number;
      terminal: boolean;
      split: boolean;
    },
  ): Promise<void> {
    const { task, sockets } = pending;
    const stdio = sockets.get('stdio')!;
    const stderr = sockets.get('stderr');
    const sendOut = (ws: WebSocket, chunk: Buffer) => {
      if (ws.open) void ws.send(chunk).catch(() => undefined);
    };
    const io = pending.io;
    const proc = await this.container.spawn({
      command: options.command,
      environment: options.environment,
      ...(options.workingDir ? { workingDir: options.workingDir } : {}),
      ...(options.user !== undefined ? { user: options.user } : {}),
      stdin: true,
      tty: options.terminal,
      onStdout: (chunk) => sendOut(stdio, chunk),
      onStderr: (chunk) => sendOut(stderr ?? stdio, chunk),
    });
    this.running.add(proc);
    io.proc = proc;
    for (const chunk of io.early) proc.stream.write(chunk);
    io.early = [];
    if (io.stdinEnded) closeStdin(io);
    for (const name of io.signals) sendSignal(task, proc, name);
    let timedOut = false;
    const timer =
      options.timeoutMs !== undefined && options.timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            proc.signal('SIGKILL', true);
          }, options.timeoutMs)
        : undefined;
    const code = await proc.exited;
    if (timer) clearTimeout(timer);
    this.running.delete(proc);
    // Output is fully read once the exec stream ended: tell the client, then finish the task.
    for (const ws of [stdio, stderr]) if (ws?.open) await ws.send(END).catch(() => undefined);
    if (timedOut) task.fail(`timed out after ${formatDuration(options.timeoutMs!)}: context deadline exceeded`);
    else {
      task.data['exit-code'] = code;
      task.done();
    }
    for (const ws of sockets.values()) if (ws.open) void ws.close().catch(() => undefined);
  }

  /** Kills every running exec (server shutdown). */
  close(): void {
    for (const proc of this.running) proc.signal('SIGKILL', true);
    for (const pending of this.pending.values()) for (const ws of pending.sockets.values()) ws.terminate();
  }
}

function closeStdin(io: ExecIo): void {
  io.stdinEnded = true;
  if (!io.proc || !io.stdinOpen) return;
  io.stdinOpen = false;
  io.proc.stream.end();
}

function sendSignal(task: Task, proc: ContainerProcess, name: string): void {
  task.logf(`Sending signal ${name}`);
  proc.signal((name.startsWith('SIG') ? name : `SIG${name}`) as NodeJS.Signals);
}

function isEnd(data: Buffer): boolean {
  try {
    return (JSON.parse(data.toString('utf8')) as { command?: unknown }).command === 'end';
  } catch {
    return false;
  }
}
