import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
// Synchronous file calls: a lock file is tiny and taken several times per hook (see store.ts).
import { linkSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { isProcessRunning } from '@lucky/core/system';
import { readTextOrNull } from '../read-text.js';

export interface LockOptions {
  /** Give up after this long. */
  readonly timeoutMs?: number;
  /** A lock file older than this is left over from a crashed holder. */
  readonly staleMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_STALE_MS = 10_000;
const MAX_RETRY_DELAY_MS = 4;

/**
 * Runs `fn` while holding an exclusive lock file. Tool processes of one hook may run
 * concurrently (async scripts), and every read-modify-write of the model goes through
 * here. The lock is a file created with O_EXCL; its content names the holder so a lock
 * left by a dead process is broken at once, and any lock older than `staleMs` is broken
 * regardless (critical sections last milliseconds).
 */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  // Callers in one process (the model server runs many tools at once) queue here, in
  // order, rather than polling the file against each other; a caller already holding
  // this lock goes straight to the file, as before.
  const held = heldLocks.getStore();
  if (held?.has(lockPath)) return withLockFile(lockPath, fn, options);
  const previous = queues.get(lockPath) ?? Promise.resolve();
  let done!: () => void;
  const turn = new Promise<void>((resolve) => (done = resolve));
  const tail = previous.then(() => turn);
  queues.set(lockPath, tail);
  try {
    await waitTurn(previous, lockPath, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    return await heldLocks.run(new Set([...(held ?? []), lockPath]), () => withLockFile(lockPath, fn, options));
  } finally {
    done();
    if (queues.get(lockPath) === tail) queues.delete(lockPath);
  }
}

/** Waits for the previous holder in this process, as long as the lock's timeout allows. */
async function waitTurn(previous: Promise<void>, lockPath: string, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    // setTimeout takes at most 2^31-1 ms (24 days); a longer timeout is cut to that.
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for the lock ${lockPath}`)), Math.min(timeoutMs, 2 ** 31 - 1));
  });
  try {
    await Promise.race([previous, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The last turn queued for each lock path in this process. */
const queues = new Map<string, Promise<void>>();
/** The lock paths the current async call chain holds. */
const heldLocks = new AsyncLocalStorage<ReadonlySet<string>>();

async function withLockFile<T>(lockPath: string, fn: () => Promise<T>, options: LockOptions): Promise<T> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const token = `${process.pid} ${randomUUID()}`;
  const deadline = Date.now() + timeoutMs;
  let delay = 1;
  for (;;) {
    try {
      // 0600 like every file of the model (MODEL_FILE_MODE; store.js imports this module).
      writeFileSync(lockPath, token, { flag: 'wx', mode: 0o600 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (breakStaleLock(lockPath, staleMs)) continue;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for the lock ${lockPath}`);
    // Jitter keeps a crowd of tool processes from retrying in lockstep. Holders keep the
    // lock a millisecond or two, and the waiter is often the next hook: retry soon.
    await sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS);
  }
  try {
    return await fn();
  } finally {
    releaseLock(lockPath, token);
  }
}

function releaseLock(lockPath: string, token: string): void {
  // Only remove our own lock: if it was broken as stale, the file is someone else's now.
  if (readTextOrNull(lockPath) !== token) return;
  try {
    unlinkSync(lockPath);
  } catch {
    // Gone meanwhile.
  }
}

function breakStaleLock(lockPath: string, staleMs: number): boolean {
  let content: string;
  let mtimeMs: number;
  try {
    content = readFileSync(lockPath, 'utf8');
    mtimeMs = statSync(lockPath).mtimeMs;
  } catch {
    return true; // released meanwhile: retry at once
  }
  const pid = Number.parseInt(content.split(' ')[0] ?? '', 10);
  const stale = Date.now() - mtimeMs > staleMs || (Number.isInteger(pid) && pid > 0 && !isProcessRunning(pid));
  if (!stale) return false;
  // Move the lock aside before deleting it, and put it back if it turns out to be a
  // fresh lock that replaced the stale one between our read and the rename.
  const aside = `${lockPath}.stale-${randomUUID()}`;
  try {
    renameSync(lockPath, aside);
  } catch {
    return true;
  }
  const moved = readTextOrNull(aside) ?? content;
  try {
    if (moved !== content) linkSync(aside, lockPath);
  } catch {
    // Another lock took its place meanwhile: it stands.
  }
  try {
    unlinkSync(aside);
  } catch {
    // Already gone.
  }
  return true;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
