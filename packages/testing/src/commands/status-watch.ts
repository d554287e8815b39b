/**
 * `lucky sim status --watch [interval]`: a snapshot every interval until interrupted (or
 * `--count` snapshots). On a terminal each one replaces the last (clear and redraw, as
 * `juju status --watch`); elsewhere they follow one another, so a log keeps them all.
 */
import type { Writable } from 'node:stream';

export interface WatchOptions {
  readonly intervalMs: number;
  /** Stop after this many snapshots; unbounded when undefined. */
  readonly count?: number;
  /** Clear the screen before each snapshot (a TTY). */
  readonly redraw: boolean;
  /** Written between snapshots off a TTY. */
  readonly separator: string;
  readonly signal: AbortSignal;
}

/** Cursor home, clear the screen, clear the scrollback: what `watch` and Juju do to redraw. */
const CLEAR = '\x1b[H\x1b[2J\x1b[3J';

/** Resolves after `ms`, or at once when the signal aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Writes `snapshot()` every interval; returns the number written. */
export async function watch(out: Writable, snapshot: () => Promise<string>, options: WatchOptions): Promise<number> {
  let written = 0;
  while (!options.signal.aborted && (options.count === undefined || written < options.count)) {
    const text = await snapshot();
    if (options.signal.aborted) break;
    out.write(options.redraw ? `${CLEAR}${text}` : `${written > 0 ? options.separator : ''}${text}`);
    written++;
    if (options.count !== undefined && written >= options.count) break;
    await pause(options.intervalMs, options.signal);
  }
  return written;
}
