// What a command gets, besides clipanion's context, when the unit's daemon runs it for
// `lucky`'s thin client (fast/entry.ts, runForThinClient): the caller's working
// directory, and a signal for the caller going away. In a process of its own a command
// has neither, and needs neither: the process's own directory and exit do the same.
import type { BaseContext } from 'clipanion';
import type { DaemonClient } from '@lucky/core/client';

export interface CallerContext extends BaseContext {
  readonly cwd?: string;
  readonly signal?: AbortSignal;
}

/** The caller's working directory. */
export function callerCwd(context: BaseContext): string {
  return (context as CallerContext).cwd ?? process.cwd();
}

/**
 * Closes `client` once the caller is gone, as the end of the caller's own process
 * would: the daemon then cancels what the connection started (a hook, for dispatch).
 */
export function closeWhenCallerLeaves<C extends DaemonClient>(context: BaseContext, client: C): C {
  const signal = (context as CallerContext).signal;
  if (signal?.aborted) client.close();
  else signal?.addEventListener('abort', () => client.close(), { once: true });
  return client;
}
