import { isProcessRunning } from '@lucky/core';

/** Whether a process is gone; a zombie left unreaped by PID 1 counts as gone. */
export function processGone(pid: number): boolean {
  return !isProcessRunning(pid);
}
