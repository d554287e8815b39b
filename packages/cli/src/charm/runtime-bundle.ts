import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ErrorCode, LuckyError } from '@lucky/core';

// This module runs from the package's dist/charm/, next to dist/runtime/ and scripts/.
const BUNDLE = fileURLToPath(new URL('../runtime/lucky.cjs', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../../scripts/bundle-runtime.mjs', import.meta.url));
/** Made by every workspace build (scripts/bundle.mjs): a runtime bundle older than it is stale. */
const CLIENT_BUNDLE = fileURLToPath(new URL('../bundle/lucky.cjs', import.meta.url));

function mtime(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/**
 * The single-file runtime (dist/runtime/lucky.cjs). A published package ships it
 * (prepack); in the Lucky workspace it is made by the package's build script, and
 * made again here when it is missing or older than the client bundle, which every
 * workspace build (`pnpm build` at the root) writes anew.
 */
export async function runtimeBundle(): Promise<{ path: string; rebuilt: boolean }> {
  const built = mtime(BUNDLE);
  const compiled = mtime(CLIENT_BUNDLE);
  if (built !== undefined && (compiled === undefined || built >= compiled)) return { path: BUNDLE, rebuilt: false };
  if (mtime(SCRIPT) === undefined) {
    throw new LuckyError(ErrorCode.ScaffoldFailed, `The Lucky runtime bundle ${BUNDLE} is missing; reinstall @lucky/cli.`);
  }
  const { execa } = await import('execa');
  const result = await execa(process.execPath, [SCRIPT], { reject: false, stdin: 'ignore' });
  if (result.failed) {
    const reason = String(result.stderr).trim().split('\n').slice(-3).join(' ') || result.shortMessage;
    throw new LuckyError(ErrorCode.ScaffoldFailed, `Cannot bundle the Lucky runtime (${SCRIPT}): ${reason}`);
  }
  return { path: BUNDLE, rebuilt: true };
}
