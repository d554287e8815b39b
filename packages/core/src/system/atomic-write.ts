import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** File mode of the new file; default 0o644. */
  readonly mode?: number;
  /** fsync the file and its directory, so the write survives a power cut; default true. */
  readonly durable?: boolean;
}

let sequence = 0;

/** A temp name in the same directory (rename is atomic only within a filesystem), hidden and unique per process and call. */
function tempName(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${sequence++}.tmp`);
}

/**
 * Replaces `file` with `data` atomically: readers see the old or the new content,
 * never a mix, and a crash leaves no partial file. A failed write removes its temp file.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const tmp = tempName(file);
  const durable = options.durable ?? true;
  try {
    const handle = await open(tmp, 'w', options.mode ?? 0o644);
    try {
      await handle.writeFile(data);
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw error;
  }
  if (durable) {
    const dir = await open(dirname(file), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}

/** `writeFileAtomic` for the few places that must stay synchronous (start-up, lock files). */
export function writeFileAtomicSync(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const tmp = tempName(file);
  const durable = options.durable ?? true;
  try {
    const fd = openSync(tmp, 'w', options.mode ?? 0o644);
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
  if (durable) syncDirectory(dirname(file));
}

/** fsync a directory, so a rename in it is durable. */
export function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
