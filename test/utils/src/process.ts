import { readFileSync } from 'node:fs';

/**
 * Whether a process is gone. A daemon whose parent exited is reaped by PID 1,
 * which in sandboxes may leave it a zombie for a while: that counts as gone.
 */
export function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return /^State:\s*Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}
