import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Whether any live process of group `pgid` is left. Zombies do not count: where
 * PID 1 does not reap (containers, sandboxes) an ended child stays a zombie, and
 * `kill -0` would call it alive; /proc tells them apart when it is there.
 */
export function processGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return true;
  }
  return pids.some((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // After the command name: state (field 3), ppid (4), pgrp (5).
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(pgrp) === pgid && state !== 'Z' && state !== 'X';
    } catch {
      return false;
    }
  });
}

/**
 * When process `pid` started, in clock ticks since boot (/proc/<pid>/stat, field 22),
 * so a recorded pid is not mistaken for a new process that reused it. Undefined when
 * the process is gone or /proc is not there.
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/**
 * Ends every process of group `pgid`: SIGTERM, then SIGKILL for whatever is left
 * after `graceMs`. Resolves once the group is gone or has been sent SIGKILL.
 */
export async function endProcessGroup(pgid: number, graceMs: number): Promise<void> {
  const signal = (name: NodeJS.Signals): boolean => {
    try {
      process.kill(-pgid, name);
      return true;
    } catch {
      return false;
    }
  };
  if (!signal('SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!processGroupAlive(pgid)) return;
    await sleep(25);
  }
  signal('SIGKILL');
}
