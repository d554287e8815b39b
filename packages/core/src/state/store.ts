import { closeSync, fsyncSync, ftruncateSync, openSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { open, truncate, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as v from 'valibot';
import { ErrorCode, LuckyError } from '../errors.js';
import type { Logger } from '../log.js';
import { syncDirectory, writeFileAtomic } from '../system/atomic-write.js';
import { applyOps, diffState, draftOf, type StateOp } from './journal.js';
import { STATE_VERSION, StateSchema, emptyState, type UnitState } from './schema.js';

/** Below this snapshot size every change rewrites the snapshot (cheap, and `state.json` stays current). */
const JOURNAL_FROM_BYTES = 256 * 1024;

interface Waiter {
  readonly change: (state: UnitState) => void;
  resolve(): void;
  reject(error: Error): void;
}

/**
 * The unit's state, held in memory and persisted in `state.json`. A change is
 * applied to a draft, written durably (fsync), and only then becomes the state
 * that `data` shows, so a write reported as failed changed nothing and a
 * SIGKILL at any moment loses nothing that was acknowledged. Concurrent changes
 * share writes (group commit).
 *
 * A small state is rewritten whole (temp file, fsync, rename). Once it is large,
 * changes are appended to `state.json.journal` as ops and the snapshot is
 * rewritten only when the journal outgrows it, so a small write costs a small
 * write whatever the state's size.
 */
export class StateStore {
  readonly file: string;
  /** Set when the state file was corrupt and moved aside: what happened, for the unit's status and hook output. */
  readonly problem: string | undefined;
  private state: UnitState;
  private readonly log: Logger;
  private readonly journalFile: string;
  private journal: FileHandle | undefined;
  private journalBytes: number;
  private snapshotBytes: number;
  private writing: Promise<void> | undefined;
  private waiters: Waiter[] = [];

  private constructor(file: string, state: UnitState, log: Logger, sizes: { snapshot: number; journal: number }, problem?: string) {
    this.file = file;
    this.journalFile = `${file}.journal`;
    this.state = state;
    this.log = log;
    this.snapshotBytes = sizes.snapshot;
    this.journalBytes = sizes.journal;
    this.problem = problem;
  }

  /**
   * Loads the snapshot and replays the journal. A missing file starts empty; a
   * corrupt or unreadable one is moved aside (`state.json.corrupt-<time>`), never
   * overwritten, and reported in `problem`; a state written by a newer Lucky is
   * refused. Temp files of interrupted writes are removed.
   */
  static open(file: string, log: Logger): StateStore {
    removeStaleTemps(file, log);
    let text: string | undefined;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return StateStore.aside(file, log, `unreadable (${(error as Error).message})`);
    }
    let state = emptyState();
    if (text !== undefined) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        return StateStore.aside(file, log, `not valid JSON (${(error as Error).message})`);
      }
      const version = (parsed as { version?: unknown } | null)?.version;
      if (typeof version === 'number' && version > STATE_VERSION) {
        throw new LuckyError(
          ErrorCode.StateVersionUnsupported,
          `The unit state ${file} has format ${version}, written by a newer Lucky; this Lucky reads format ${STATE_VERSION}. Upgrade the charm to a Lucky that reads it (the file is left as it is).`,
        );
      }
      const result = v.safeParse(StateSchema, parsed);
      if (!result.success) {
        const issue = result.issues[0];
        return StateStore.aside(file, log, `invalid at ${issue ? (v.getDotPath(issue) ?? '(root)') : '?'}: ${issue?.message ?? ''}`);
      }
      state = result.output;
    }
    const journal = replayJournal(`${file}.journal`, state, log);
    return new StateStore(file, state, log, { snapshot: text === undefined ? 0 : Buffer.byteLength(text), journal });
  }

  private static aside(file: string, log: Logger, reason: string): StateStore {
    const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    try {
      renameSync(file, aside);
      // The journal belongs to the snapshot that is gone: keep it beside it.
      try {
        renameSync(`${file}.journal`, `${aside}.journal`);
      } catch {
        // No journal.
      }
      syncDirectory(dirname(file));
    } catch (error) {
      throw new LuckyError(ErrorCode.StateCorrupt, `The unit state file ${file} is ${reason} and could not be moved aside: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const problem = `The unit state ${file} was ${reason}; it was moved to ${aside} and the unit started with an empty state.`;
    log.error(problem);
    return new StateStore(file, emptyState(), log, { snapshot: 0, journal: 0 }, problem);
  }

  /** The current state (what was last saved); treat it as read-only and change it through `mutate()`. */
  get data(): Readonly<UnitState> {
    return this.state;
  }

  /**
   * Applies `change` to a draft of the state and resolves once that is on disk;
   * only then does `data` show it. Rejects, changing nothing, if `change` throws
   * or the write fails.
   */
  mutate(change: (state: UnitState) => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ change, resolve, reject });
      this.kick();
    });
  }

  /** Resolves when no write is in flight. */
  async flushed(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** Closes the journal; the state stays readable. */
  async close(): Promise<void> {
    await this.flushed();
    await this.journal?.close();
    this.journal = undefined;
  }

  /**
   * Starts draining unless a drain runs. The drain never finishes in the same turn
   * (a batch without changes writes nothing), and a waiter that arrives after its
   * last look is picked up when it ends, so no change is ever left waiting.
   */
  private kick(): void {
    if (this.writing) return;
    this.writing = this.drain().finally(() => {
      this.writing = undefined;
      if (this.waiters.length > 0) this.kick();
    });
  }

  private async drain(): Promise<void> {
    // Never finish in the caller's turn, or `writing` would be set after it was cleared.
    await Promise.resolve();
    while (this.waiters.length > 0) {
      const batch = this.waiters;
      this.waiters = [];
      const { draft, applied } = this.applyBatch(batch);
      if (applied.length === 0) continue;
      try {
        const ops = diffState(this.state, draft);
        if (ops.length > 0) await this.persist(draft, ops);
        this.state = draft;
        for (const waiter of applied) waiter.resolve();
      } catch (error) {
        const failure = this.writeError(error);
        this.log.error(failure.message);
        for (const waiter of applied) waiter.reject(failure);
      }
    }
  }

  /** Applies the batch's changes to one draft; a change that throws is rejected alone and the draft rebuilt without it. */
  private applyBatch(batch: readonly Waiter[]): { draft: UnitState; applied: Waiter[] } {
    const applied = [...batch];
    for (;;) {
      const draft = draftOf(this.state);
      const failed = applied.findIndex((waiter) => {
        try {
          waiter.change(draft);
          return false;
        } catch {
          return true;
        }
      });
      if (failed === -1) return { draft, applied };
      const [bad] = applied.splice(failed, 1);
      try {
        bad!.change(draftOf(this.state));
      } catch (error) {
        bad!.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  private async persist(draft: UnitState, ops: readonly StateOp[]): Promise<void> {
    if (this.snapshotBytes < JOURNAL_FROM_BYTES || this.journalBytes > this.snapshotBytes) {
      await this.writeSnapshot(draft);
      return;
    }
    await this.appendJournal(`${JSON.stringify(ops)}\n`);
  }

  private async writeSnapshot(state: UnitState): Promise<void> {
    const text = JSON.stringify(state);
    await writeFileAtomic(this.file, text, { mode: 0o600 });
    this.snapshotBytes = Buffer.byteLength(text);
    if (this.journalBytes > 0) {
      // The snapshot holds every journaled op now; replaying them again would be harmless (ops are absolute).
      await this.journal?.close();
      this.journal = undefined;
      await truncate(this.journalFile, 0);
      this.journalBytes = 0;
    }
  }

  private async appendJournal(line: string): Promise<void> {
    this.journal ??= await open(this.journalFile, 'a', 0o600);
    const before = this.journalBytes;
    try {
      await this.journal.write(line);
      await this.journal.datasync();
      this.journalBytes += Buffer.byteLength(line);
    } catch (error) {
      // A torn line must not stay in front of later, acknowledged ones.
      await this.journal.truncate(before).catch(() => undefined);
      throw error;
    }
  }

  private writeError(error: unknown): LuckyError {
    if (error instanceof LuckyError) return error;
    const code = (error as NodeJS.ErrnoException).code;
    const what =
      code === 'ENOSPC' || code === 'EDQUOT'
        ? 'the disk is full'
        : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
          ? 'permission denied'
          : (error as Error).message;
    return new LuckyError(
      ErrorCode.StateWriteFailed,
      `Could not save the unit state to ${this.file}: ${what}${code ? ` (${code})` : ''}; nothing of this change was kept. Free the space or fix the permissions, then retry.`,
      { cause: error, data: { file: this.file, ...(code ? { errno: code } : {}) } },
    );
  }
}

/** Replays `journal` onto `state`; a torn last line (a crash mid-append) is dropped. Returns the journal's size. */
function replayJournal(journal: string, state: UnitState, log: Logger): number {
  let text: string;
  try {
    text = readFileSync(journal, 'utf8');
  } catch {
    return 0;
  }
  let good = 0;
  for (const line of text.split('\n')) {
    if (line === '') break;
    let ops: StateOp[];
    try {
      ops = JSON.parse(line) as StateOp[];
    } catch {
      break;
    }
    applyOps(state, ops);
    good += Buffer.byteLength(line) + 1;
  }
  if (good < Buffer.byteLength(text)) {
    log.warn(`Dropped an unfinished last entry of ${journal} (a write interrupted by a crash; it was never acknowledged)`);
    const fd = openSync(journal, 'r+');
    try {
      // Truncating through the descriptor keeps the file's mode.
      ftruncateSync(fd, good);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
  return good;
}

/** Removes temp files of writes interrupted by a crash (`.state.json.<pid>.<n>.tmp`). */
function removeStaleTemps(file: string, log: Logger): void {
  const prefix = `.${basename(file)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(file));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    rmSync(join(dirname(file), name), { force: true });
    log.info(`Removed ${name}, left by an interrupted write`);
  }
}
