import { readFileSync } from 'node:fs';

/**
 * Whether `pid` runs. A killed process whose parent is gone can stay a zombie when
 * PID 1 does not reap (containers, sandboxes); `kill -0` succeeds on zombies, so
 * /proc decides when it can.
 */
export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return !/^State:\s*Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}
