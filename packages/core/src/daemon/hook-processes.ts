import { readFileSync, rmSync } from 'node:fs';
import type { Logger } from '../log.js';
import { writeFileAtomicSync } from '../system/atomic-write.js';
import { endProcessGroup, processGroupAlive, processStartTime } from '../system/process-group.js';

/** How long processes get between SIGTERM and SIGKILL. */
export const KILL_GRACE_MS = 5000;

interface Recorded {
  readonly pgid: number;
  /** The leader's start time, so a reused pid is never killed. */
  readonly start: string | undefined;
}

/**
 * The process groups the running hook's scripts started. They are ended when the
 * hook fails or is cancelled, and recorded on disk meanwhile, so that a daemon
 * killed in the middle of a hook has its successor end them.
 */
export class HookProcesses {
  private groups: Recorded[] = [];
  private readonly file: string;
  private readonly log: Logger;

  constructor(file: string, log: Logger) {
    this.file = file;
    this.log = log;
  }

  track(pgid: number): void {
    this.groups.push({ pgid, start: processStartTime(pgid) });
    this.save();
  }

  /** The hook succeeded: what its scripts left running is theirs; stop tracking it. */
  forget(): void {
    this.groups = [];
    rmSync(this.file, { force: true });
  }

  /** Ends every tracked group still alive (SIGTERM, then SIGKILL after the grace period). */
  async endAll(): Promise<void> {
    const alive = this.groups.filter((group) => processGroupAlive(group.pgid));
    if (alive.length > 0) this.log.info(`Ending ${alive.length} process group(s) of the hook: ${alive.map((group) => group.pgid).join(', ')}`);
    await Promise.all(alive.map((group) => endProcessGroup(group.pgid, KILL_GRACE_MS)));
    this.forget();
  }

  /** At start: ends the groups a killed predecessor recorded, if they are still the same processes. */
  static async endLeftovers(file: string, log: Logger): Promise<void> {
    let recorded: Recorded[];
    try {
      recorded = JSON.parse(readFileSync(file, 'utf8')) as Recorded[];
    } catch {
      return;
    }
    const same = recorded.filter((group) => {
      if (!processGroupAlive(group.pgid)) return false;
      // The leader may be gone while its group lives on; a leader that started at another time is a reused pid.
      const start = processStartTime(group.pgid);
      return group.start === undefined || start === undefined || start === group.start;
    });
    if (same.length > 0)
      log.warn(`Ending ${same.length} process group(s) left by a hook of a daemon that was killed: ${same.map((group) => group.pgid).join(', ')}`);
    await Promise.all(same.map((group) => endProcessGroup(group.pgid, KILL_GRACE_MS)));
    rmSync(file, { force: true });
  }

  private save(): void {
    // Not fsynced: it only matters while this boot's processes live.
    writeFileAtomicSync(this.file, JSON.stringify(this.groups), { mode: 0o600, durable: false });
  }
}
