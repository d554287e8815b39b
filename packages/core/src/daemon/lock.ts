import { openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { isProcessRunning } from '../system/process-alive.js';

/**
 * A pid file taken with O_EXCL, so that of two daemons started at once for the
 * same unit exactly one proceeds. A lock whose process is gone is taken over.
 * Returns the pid of the live holder when the lock is held by someone else.
 */
export function acquirePidLock(path: string): { acquired: true; release(): void } | { acquired: false; holder: number } {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return {
        acquired: true,
        release: () => {
          if (readPid(path) === process.pid) rmSync(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readPid(path);
      if (holder !== undefined && holder !== process.pid && isProcessRunning(holder)) return { acquired: false, holder };
      // The holder died (or is still writing its pid: then the retry sees it).
      if (holder !== undefined) rmSync(path, { force: true });
    }
  }
  return { acquired: false, holder: readPid(path) ?? 0 };
}

function readPid(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
