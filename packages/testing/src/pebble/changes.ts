/** Pebble's changes and tasks: ids, statuses, the `err` summary, and waiting for one to be ready. */

export type Status = 'Do' | 'Doing' | 'Done' | 'Abort' | 'Undo' | 'Undoing' | 'Hold' | 'Error';

const now = () => new Date().toISOString();

export class Task {
  readonly id: string;
  readonly kind: string;
  readonly summary: string;
  status: Status = 'Do';
  readonly log: string[] = [];
  readonly spawnTime = now();
  readyTime: string | undefined;
  readonly data: Record<string, unknown> = {};
  error: string | undefined;
  change!: Change;

  constructor(id: string, kind: string, summary: string) {
    this.id = id;
    this.kind = kind;
    this.summary = summary;
  }

  logf(message: string): void {
    // Pebble's task log lines: time, level, message.
    this.log.push(`${now()} INFO ${message}`);
  }

  start(): void {
    this.status = 'Doing';
    this.change.update();
  }

  done(): void {
    this.finish('Done');
  }

  fail(message: string): void {
    this.error = message;
    this.log.push(`${now()} ERROR ${message}`);
    this.finish('Error');
  }

  private finish(status: Status): void {
    this.status = status;
    this.readyTime = now();
    this.change.update();
  }

  get ready(): boolean {
    return this.status === 'Done' || this.status === 'Error' || this.status === 'Hold';
  }

  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = {
      id: this.id,
      kind: this.kind,
      summary: this.summary,
      status: this.status,
      log: this.log.length > 0 ? this.log : undefined,
      progress: { label: '', done: this.ready ? 1 : 0, total: 1 },
      'spawn-time': this.spawnTime,
    };
    if (this.readyTime !== undefined) json['ready-time'] = this.readyTime;
    if (Object.keys(this.data).length > 0) json.data = this.data;
    return json;
  }
}

export class Change {
  readonly id: string;
  readonly kind: string;
  readonly summary: string;
  readonly tasks: Task[] = [];
  readonly spawnTime = now();
  readyTime: string | undefined;
  readonly data: Record<string, unknown> = {};
  private lastStatus: Status | undefined;
  private readonly waiters = new Set<() => void>();
  private readonly onStatus: (change: Change) => void;

  constructor(id: string, kind: string, summary: string, onStatus: (change: Change) => void) {
    this.id = id;
    this.kind = kind;
    this.summary = summary;
    this.onStatus = onStatus;
  }

  get status(): Status {
    if (this.tasks.length === 0) return 'Done';
    if (this.tasks.some((t) => !t.ready)) return this.tasks.some((t) => t.status !== 'Do') ? 'Doing' : 'Do';
    return this.tasks.some((t) => t.status === 'Error') ? 'Error' : 'Done';
  }

  get ready(): boolean {
    const status = this.status;
    return status === 'Done' || status === 'Error';
  }

  /** Pebble's summary of failed tasks. */
  get err(): string | undefined {
    const failed = this.tasks.filter((t) => t.status === 'Error');
    if (failed.length === 0) return undefined;
    return `cannot perform the following tasks:\n${failed.map((t) => `- ${t.summary} (${t.error ?? 'failed'})`).join('\n')}`;
  }

  /** Called when a task changes: records the ready time, wakes waiters, reports status changes (change-update notices). */
  update(): void {
    const status = this.status;
    if (this.ready && this.readyTime === undefined) this.readyTime = now();
    if (status !== this.lastStatus) {
      this.lastStatus = status;
      this.onStatus(this);
    }
    if (this.ready) {
      for (const wake of this.waiters) wake();
      this.waiters.clear();
    }
  }

  /** Resolves true once ready, false if `timeoutMs` passes first. */
  wait(timeoutMs: number | undefined, abort?: AbortSignal): Promise<boolean> {
    if (this.ready) return Promise.resolve(true);
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const wake = () => {
        if (timer) clearTimeout(timer);
        resolve(true);
      };
      this.waiters.add(wake);
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.waiters.delete(wake);
          resolve(false);
        }, timeoutMs);
      }
      abort?.addEventListener('abort', () => {
        this.waiters.delete(wake);
        if (timer) clearTimeout(timer);
        resolve(false);
      });
    });
  }

  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = {
      id: this.id,
      kind: this.kind,
      summary: this.summary,
      status: this.status,
      tasks: this.tasks.map((t) => t.toJSON()),
      ready: this.ready,
      'spawn-time': this.spawnTime,
    };
    const err = this.err;
    if (err !== undefined) json.err = err;
    if (this.readyTime !== undefined) json['ready-time'] = this.readyTime;
    if (Object.keys(this.data).length > 0) json.data = this.data;
    return json;
  }
}

/** All changes of the server; ids count up from 1 as in Pebble's state. */
export class ChangeStore {
  private nextChange = 1;
  private nextTask = 1;
  private readonly changes = new Map<string, Change>();
  private readonly tasks = new Map<string, Task>();
  private readonly onStatus: (change: Change) => void;

  constructor(onStatus: (change: Change) => void) {
    this.onStatus = onStatus;
  }

  create(kind: string, summary: string, tasks: readonly { kind: string; summary: string }[]): Change {
    const change = new Change(String(this.nextChange++), kind, summary, this.onStatus);
    for (const spec of tasks) {
      const task = new Task(String(this.nextTask++), spec.kind, spec.summary);
      task.change = change;
      change.tasks.push(task);
      this.tasks.set(task.id, task);
    }
    this.changes.set(change.id, change);
    change.update();
    return change;
  }

  get(id: string): Change | undefined {
    return this.changes.get(id);
  }

  task(id: string): Task | undefined {
    return this.tasks.get(id);
  }

  list(select: 'all' | 'in-progress' | 'ready'): Change[] {
    return [...this.changes.values()].filter((c) => select === 'all' || (select === 'ready') === c.ready);
  }
}
