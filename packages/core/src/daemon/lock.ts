import { closeSync, mkdirSync, openSync, readFileSync, rmdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { isProcessRunning } from '../system/process-alive.js';

/** A takeover left by a process that died in the middle of one is cleared after this long. */
const STALE_TAKEOVER_MS = 10_000;
/** How long a contender keeps looking at a lock that is being written or taken over before it gives up. */
const LOCK_WAIT_MS = 15_000;

/**
 * A pid file taken with O_EXCL, so that of two daemons started at once for the
 * same unit exactly one proceeds. A lock whose process is gone is taken over, one
 * contender at a time (a `.takeover` directory, made atomically, is the baton), so
 * two contenders can never both remove the dead lock and both create a new one.
 * Returns the pid of the live holder when the lock is held by someone else.
 * A takeover removes only the very file it judged dead (same inode and change
 * time): on a busy machine a contender may reuse the dead holder's pid, so the pid
 * alone cannot tell the dead lock from the one that contender just made.
 */
export function acquirePidLock(path: string): { acquired: true; release(): void } | { acquired: false; holder: number } {
  // A deadline, not a number of tries: on a loaded machine a creator may wait long between creating the file and writing its pid.
  const deadline = Date.now() + LOCK_WAIT_MS;
  while (Date.now() < deadline) {
    if (create(path)) {
      return {
        acquired: true,
        release: () => {
          if (readPid(path) === process.pid) rmSync(path, { force: true });
        },
      };
    }
    // The file's identity first, then its pid: a file's pid never changes once written,
    // so if the file is replaced in between, the takeover below finds another identity.
    const judged = identity(path);
    const holder = readPid(path);
    if (holder !== undefined && holder !== process.pid && isProcessRunning(holder)) return { acquired: false, holder };
    if (holder === undefined || judged === undefined) {
      // Being written by its creator (the file exists, the pid is not in it yet), or just removed: look again.
      // Still without a pid after a while, it was left by a creator that died before writing one.
      if (judged !== undefined && ageMs(path) > STALE_TAKEOVER_MS) takeOver(path, judged);
      else waitBriefly();
      continue;
    }
    takeOver(path, judged);
  }
  return { acquired: false, holder: readPid(path) ?? 0 };
}

function create(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, String(process.pid));
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Which file is at `path` (a new file made after a removal differs even if the inode number is reused). */
function identity(path: string): string | undefined {
  const info = statSync(path, { bigint: true, throwIfNoEntry: false });
  return info && `${info.ino}:${info.ctimeNs}`;
}

/** Removes the lock file `dead` (an identity), if it is still the one at `path`, while holding the takeover baton. */
function takeOver(path: string, dead: string): void {
  const baton = `${path}.takeover`;
  try {
    mkdirSync(baton, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Someone else is taking over; a baton left by a crash is cleared after a while.
    try {
      if (Date.now() - statSync(baton).mtimeMs > STALE_TAKEOVER_MS) rmdirSync(baton);
    } catch {
      // Gone meanwhile.
    }
    waitBriefly();
    return;
  }
  try {
    // Only the lock we judged dead: a new holder may have taken it since.
    if (identity(path) === dead) rmSync(path, { force: true });
  } finally {
    rmdirSync(baton);
  }
}

/** How long ago the file at `path` was last written (0 when it is gone). */
function ageMs(path: string): number {
  const info = statSync(path, { throwIfNoEntry: false });
  return info ? Date.now() - info.mtimeMs : 0;
}

/** A short synchronous pause (the lock is taken once, at start). */
function waitBriefly(): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
}

function readPid(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
