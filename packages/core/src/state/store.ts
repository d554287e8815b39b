import { closeSync, fsyncSync, openSync, readFileSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import * as v from 'valibot';
import type { Logger } from '../log.js';
import { writeFileAtomic } from '../system/atomic-write.js';
import { StateSchema, emptyState, type UnitState } from './schema.js';

/**
 * The unit's state, held in memory and persisted to one JSON file. Every mutation
 * is written atomically (temp file, fsync, rename, fsync of the directory) before
 * `mutate()` resolves, so whatever a caller was told is saved survives a SIGKILL.
 * Concurrent mutations share writes (group commit): while one write is in flight,
 * later mutations wait for the next one, which carries all of them.
 */
export class StateStore {
  readonly file: string;
  private state: UnitState;
  private readonly log: Logger;
  private writing: Promise<void> | undefined;
  private dirtyWaiters: Array<{ resolve(): void; reject(error: Error): void }> = [];

  private constructor(file: string, state: UnitState, log: Logger) {
    this.file = file;
    this.state = state;
    this.log = log;
  }

  /**
   * Loads the state file. A missing file starts empty; a corrupt or unreadable one
   * is moved aside (`state.json.corrupt-<time>`) with a logged error, never overwritten.
   */
  static open(file: string, log: Logger): StateStore {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new StateStore(file, emptyState(), log);
      return new StateStore(file, moveAside(file, log, `unreadable (${(error as Error).message})`), log);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return new StateStore(file, moveAside(file, log, `not valid JSON (${(error as Error).message})`), log);
    }
    const result = v.safeParse(StateSchema, parsed);
    if (!result.success) {
      const issue = result.issues[0];
      return new StateStore(file, moveAside(file, log, `invalid at ${issue ? (v.getDotPath(issue) ?? '(root)') : '?'}: ${issue?.message ?? ''}`), log);
    }
    return new StateStore(file, result.output, log);
  }

  /** The current state; treat it as read-only and change it through `mutate()`. */
  get data(): Readonly<UnitState> {
    return this.state;
  }

  /** Applies `change` now and resolves once a write containing it is on disk. */
  mutate(change: (state: UnitState) => void): Promise<void> {
    change(this.state);
    return new Promise<void>((resolve, reject) => {
      this.dirtyWaiters.push({ resolve, reject });
      if (!this.writing) this.writing = this.drain();
    });
  }

  /** Resolves when no write is in flight. */
  async flushed(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    try {
      while (this.dirtyWaiters.length > 0) {
        const waiters = this.dirtyWaiters;
        this.dirtyWaiters = [];
        try {
          await this.write(JSON.stringify(this.state));
          for (const waiter of waiters) waiter.resolve();
        } catch (error) {
          this.log.error(`Could not save the unit state to ${this.file}`, error);
          for (const waiter of waiters) waiter.reject(error as Error);
        }
      }
    } finally {
      this.writing = undefined;
    }
  }

  private write(text: string): Promise<void> {
    return writeFileAtomic(this.file, text, { mode: 0o600 });
  }
}

function moveAside(file: string, log: Logger, reason: string): UnitState {
  const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  try {
    renameSync(file, aside);
    const fd = openSync(dirname(file), 'r');
    fsyncSync(fd);
    closeSync(fd);
    log.error(`The unit state file ${file} is ${reason}; moved it to ${aside} and started with an empty state.`);
  } catch (error) {
    log.error(`The unit state file ${file} is ${reason} and could not be moved aside`, error);
    throw error;
  }
  return emptyState();
}
