import { readdir, stat } from 'node:fs/promises';
import { ErrorCode, LuckyError } from '@lucky/errors';

/**
 * Checks that `dir` can receive a new charm: missing or empty, or anything with
 * `force`. Never a file.
 */
export async function checkTargetDir(dir: string, force: boolean): Promise<void> {
  let info;
  try {
    info = await stat(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (!info.isDirectory()) throw new LuckyError(ErrorCode.ScaffoldFailed, `${dir} exists and is not a directory.`);
  if (force) return;
  if ((await readdir(dir)).length > 0) {
    throw new LuckyError(ErrorCode.ScaffoldFailed, `${dir} is not empty; choose a new directory, or pass --force to write the charm into it.`);
  }
}
