import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../system/atomic-write.js';

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
  // Atomic: scripts of a running hook may be executing the old one.
  writeFileAtomicSync(file, text, { mode: 0o755, durable: false });
}
