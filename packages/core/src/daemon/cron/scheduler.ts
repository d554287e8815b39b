/**
 * Runs a charm's cron jobs on time. For each job it keeps `since`: the instant up to
 * which its fire times have been dealt with (run, or skipped). A job is due when its
 * next fire time after `since` has come; several fire times that passed together (the
 * daemon was down, or busy) collapse into one run, which is how a job "missed while
 * the daemon was down runs once at start". `since` is saved in the unit state, so a
 * restarted daemon knows what it missed.
 *
 * A job never overlaps itself: when it is due while its last run is still going, that
 * fire time is skipped and logged. Overlap with hooks is prevented downstream: the run
 * goes through `juju-exec`, which waits for the unit's hook lock, and then through the
 * daemon's hook queue.
 */
import type { SchedulerClock } from './clock.js';
import type { CronJob } from './jobs.js';
import { fireTimes, nextFire } from './next-fire.js';

/** What the unit state keeps of a job. Times are ISO 8601. */
export interface CronRecord {
  /** Fire times up to here have been run or skipped. */
  readonly since: string;
  /** When the job last started, if it ever did. */
  readonly lastRun?: string;
}

/** Where the scheduler keeps its records: the unit state in the daemon, a map in tests. */
export interface CronMemory {
  load(): Readonly<Record<string, CronRecord>>;
  save(job: string, record: CronRecord): Promise<void> | void;
}

export interface CronSchedulerOptions {
  readonly jobs: readonly CronJob[];
  readonly clock: SchedulerClock;
  readonly memory: CronMemory;
  /** Runs one job (its fire time is `due`); settles when the run is over. Aborted when the scheduler stops. */
  run(job: CronJob, due: Date, signal: AbortSignal): Promise<void>;
  readonly log: { info(message: string): void; warn(message: string): void };
  /** The longest sleep between checks, so a changed system clock is noticed; 1 minute by default. */
  readonly recheckMs?: number;
}

const DEFAULT_RECHECK_MS = 60_000;

export class CronScheduler {
  private readonly options: CronSchedulerOptions;
  private readonly since = new Map<string, number>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();
  private cancelTimer: (() => void) | undefined;

  constructor(options: CronSchedulerOptions) {
    this.options = options;
  }

  /** Loads the records, runs once every job that came due while no daemon was running, and starts the timer. */
  start(): void {
    const now = this.options.clock.now();
    const stored = this.options.memory.load();
    for (const job of this.options.jobs) {
      const record = Object.hasOwn(stored, job.id) ? stored[job.id] : undefined;
      const since = record ? Date.parse(record.since) : Number.NaN;
      if (Number.isFinite(since) && since <= now) {
        this.since.set(job.id, since);
      } else {
        // A new job (or a record from a clock that ran ahead): its schedule counts from now.
        this.since.set(job.id, now);
        this.save(job, { since: new Date(now).toISOString(), ...(record?.lastRun !== undefined ? { lastRun: record.lastRun } : {}) });
      }
    }
    this.tick();
  }

  /** Stops the timer and aborts the runs in progress; returns at once. */
  stop(): void {
    this.stopping.abort();
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  /** Ids of the jobs running now. */
  runningJobs(): string[] {
    return [...this.running.keys()];
  }

  /** Settles when every run started so far has ended. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values());
  }

  /** Starts every due job, then sleeps until the next fire time. Called by the timer. */
  private tick(): void {
    if (this.stopping.signal.aborted) return;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    const now = this.options.clock.now();
    for (const job of this.options.jobs) {
      const since = this.since.get(job.id) ?? now;
      const due = nextFire(job.schedule, new Date(since));
      if (!due || due.getTime() > now) continue;
      this.since.set(job.id, now);
      const missed = fireTimes(job.schedule, new Date(since), new Date(now), 3).length;
      if (this.running.has(job.id)) {
        this.options.log.warn(`Cron job "${job.id}" is due (${due.toISOString()}) but its last run is still going; skipping this run.`);
        this.save(job, { since: new Date(now).toISOString(), ...this.lastRunOf(job) });
        continue;
      }
      if (missed > 1)
        this.options.log.info(
          `Cron job "${job.id}" missed ${missed > 2 ? 'several runs' : 'a run'} since ${new Date(since).toISOString()}; running it once now.`,
        );
      const started = new Date(now).toISOString();
      this.save(job, { since: started, lastRun: started });
      this.launch(job, due);
    }
    this.arm(now);
  }

  private launch(job: CronJob, due: Date): void {
    let started: Promise<void>;
    try {
      // Started now, not in a later microtask: the run begins at the tick that found it due.
      started = this.options.run(job, due, this.stopping.signal);
    } catch (error) {
      started = Promise.reject(error);
    }
    const run = started
      .catch((error: unknown) => this.options.log.warn(`Cron job "${job.id}" failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => this.running.delete(job.id));
    this.running.set(job.id, run);
  }

  private arm(now: number): void {
    let next = Number.POSITIVE_INFINITY;
    for (const job of this.options.jobs) {
      const at = nextFire(job.schedule, new Date(this.since.get(job.id) ?? now));
      if (at) next = Math.min(next, at.getTime());
    }
    if (next === Number.POSITIVE_INFINITY) return;
    const delay = Math.min(next - now, this.options.recheckMs ?? DEFAULT_RECHECK_MS);
    this.cancelTimer = this.options.clock.setTimer(Math.max(delay, 0), () => this.tick());
  }

  private lastRunOf(job: CronJob): { lastRun?: string } {
    const lastRun = this.options.memory.load()[job.id]?.lastRun;
    return lastRun === undefined ? {} : { lastRun };
  }

  private save(job: CronJob, record: CronRecord): void {
    Promise.resolve()
      .then(() => this.options.memory.save(job.id, record))
      .catch((error: unknown) => this.options.log.warn(`Could not record cron job "${job.id}" in the unit state: ${(error as Error).message}`));
  }
}
