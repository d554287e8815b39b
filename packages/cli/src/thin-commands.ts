import { statSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ThinCall, ThinCommandRunner } from '@lucky/core';

interface FastBundle {
  runForThinClient(call: ThinCall): Promise<number | undefined>;
}

const identity = (info: Stats): string => `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}`;

/**
 * How the daemon runs command lines for `lucky`'s thin client: with the fast path's
 * bundle (lucky-fast.cjs, which sits next to this bundle in the workspace and in a
 * built charm), loaded on the first call. Once that file is replaced (a charm
 * upgrade brought another Lucky), every call is declined: the new Node.js CLI then
 * answers, and restarts this daemon at the next hook. Undefined when there is no such
 * file (an unbundled build): every call then starts the Node.js CLI.
 */
export function thinCommandRunner(file = fileURLToPath(new URL('./lucky-fast.cjs', import.meta.url))): ThinCommandRunner | undefined {
  let loadedFrom: string;
  try {
    loadedFrom = identity(statSync(file));
  } catch {
    return undefined;
  }
  let bundle: FastBundle | undefined;
  return async (call) => {
    try {
      if (identity(statSync(file)) !== loadedFrom) return undefined;
    } catch {
      return undefined;
    }
    bundle ??= createRequire(import.meta.url)(file) as FastBundle;
    return bundle.runForThinClient(call);
  };
}
