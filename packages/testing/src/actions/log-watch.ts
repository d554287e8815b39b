/** Follows a running action's `action-log` messages as its tools write them, so `juju run` can show each at once. */
import { watch, type FSWatcher } from 'node:fs';
import { makeModelDir } from '../model/store.js';
import type { ActionLogEntry } from './schema.js';
import { actionPaths, readReport } from './store.js';

export interface LogWatch {
  /** Reports the messages not reported yet, and stops following. */
  close(): Promise<void>;
}

/** Calls `onEntry` for each new message of action `id`, in order, while the action runs and once more at `close`. */
export async function watchActionLogs(dir: string, id: string, onEntry: (entry: ActionLogEntry) => void): Promise<LogWatch> {
  const reports = actionPaths(dir).reports;
  await makeModelDir(reports);
  let seen = 0;
  // One read at a time, in order: a change event during a read is handled by the read after it.
  let reading: Promise<void> = Promise.resolve();
  const catchUp = (): Promise<void> => {
    reading = reading.then(async () => {
      const logs = (await readReport(dir, id).catch(() => null))?.logs ?? [];
      for (const entry of logs.slice(seen)) onEntry(entry);
      seen = Math.max(seen, logs.length);
    });
    return reading;
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(reports, (_event, file) => {
      if (file === null || file === `${encodeURIComponent(id)}.json`) void catchUp();
    });
    watcher.on('error', () => watcher?.close());
  } catch {
    // Without file events the messages are still reported, at close.
  }
  return {
    async close() {
      watcher?.close();
      await catchUp();
    },
  };
}
