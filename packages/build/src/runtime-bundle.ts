import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { THIN_CLIENT_FILE } from '@lucky/core';
import { ErrorCode, LuckyError } from '@lucky/errors';

/** The runtime is @lucky/cli's product: its package holds the bundle and the script that makes it. */
function cliPackageDir(): string {
  try {
    return dirname(createRequire(import.meta.url).resolve('@lucky/cli/package.json'));
  } catch (error) {
    throw new LuckyError(
      ErrorCode.BuildFailed,
      'Cannot find @lucky/cli, which holds the Lucky runtime a charm carries; install it next to @lucky/build (npm install -D @lucky/cli).',
      { cause: error },
    );
  }
}

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
  const cli = cliPackageDir();
  const bundle = join(cli, 'dist', 'runtime', 'lucky.cjs');
  const script = join(cli, 'scripts', 'bundle-runtime.mjs');
  // Made by every workspace build (scripts/bundle.mjs): a runtime bundle older than it is stale.
  const clientBundle = join(cli, 'dist', 'bundle', 'lucky.cjs');
  // The same script writes the fast path the charm's entry loads first and the thin client (next to the bundle).
  const companions = ['lucky-fast.cjs', THIN_CLIENT_FILE].map((file) => mtime(join(cli, 'dist', 'runtime', file)));
  const built = companions.includes(undefined) ? undefined : mtime(bundle);
  const compiled = mtime(clientBundle);
  if (built !== undefined && (compiled === undefined || built >= compiled)) return { path: bundle, rebuilt: false };
  if (mtime(script) === undefined) {
    throw new LuckyError(ErrorCode.BuildFailed, `The Lucky runtime bundle ${bundle} is missing; reinstall @lucky/cli.`);
  }
  const { execa } = await import('execa');
  const result = await execa(process.execPath, [script], { reject: false, stdin: 'ignore' });
  if (result.failed) {
    const reason = String(result.stderr).trim().split('\n').slice(-3).join(' ') || result.shortMessage;
    throw new LuckyError(ErrorCode.BuildFailed, `Cannot bundle the Lucky runtime (${script}): ${reason}`);
  }
  return { path: bundle, rebuilt: true };
}
