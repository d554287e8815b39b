/**
 * The scheduler's view of time, injectable so tests drive it without waiting: the
 * daemon uses the system clock, tests a clock they move by hand.
 */
export interface SchedulerClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `callback` once, `delayMs` from now; the returned function cancels it. */
  setTimer(delayMs: number, callback: () => void): () => void;
}

/** Node's longest timer is about 24.8 days; the scheduler re-checks at least this often anyway. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const systemClock: SchedulerClock = {
  now: () => Date.now(),
  setTimer(delayMs, callback) {
    // Unref'd: a pending cron job never keeps a stopping daemon alive.
    const timer = setTimeout(callback, Math.min(Math.max(delayMs, 0), MAX_TIMER_MS));
    timer.unref();
    return () => clearTimeout(timer);
  },
};
