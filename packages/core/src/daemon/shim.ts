import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes `<dir>/lucky`, a two-line shell script that runs this same Lucky with this
 * same Node, so scripts can call `lucky` whatever their `PATH` held before.
 */
export function writeLuckyShim(dir: string, nodePath: string, cliPath: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const file = join(dir, 'lucky');
  const text = `#!/bin/sh\nexec '${nodePath.replace(/'/g, `'\\''`)}' '${cliPath.replace(/'/g, `'\\''`)}' "$@"\n`;
  let current: string | undefined;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === text) return;
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o755 });
  renameSync(tmp, file);
}
