import { readFileSync } from 'node:fs';

/**
 * A small file's text, or null when it cannot be read (gone, or never written). Synchronous:
 * the simulator reads its lock, endpoint and pid files around every hook (see model/store.ts).
 */
export function readTextOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
