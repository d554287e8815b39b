import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomicSync } from '../system/atomic-write.js';

/** The thin client (@lucky/cli's bin/lucky-thin.bash), which sits next to the CLI entry, in the workspace as in a built charm. */
export function thinClientPath(cliPath: string): string {
  return join(dirname(cliPath), THIN_CLIENT_FILE);
}

export const THIN_CLIENT_FILE = 'lucky-thin.bash';
const BASH = '/bin/bash';

/**
 * Writes `<dir>/lucky`, a short shell script that runs this same Lucky with this same
 * Node, so scripts can call `lucky` whatever their `PATH` held before. Where bash and
 * the thin client are there, it runs the thin client, which asks the unit's running
 * daemon to run the command (daemon/thin-server.ts) and falls back on the Node CLI.
 */
export function writeLuckyShim(dir: string, nodePath: string, cliPath: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const file = join(dir, 'lucky');
  const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;
  const thin = thinClientPath(cliPath);
  // The thin client is sourced by the shim's own bash rather than run by a shell in between:
  // one process start less on every call.
  const text =
    existsSync(BASH) && existsSync(thin)
      ? `#!${BASH}\nset -- ${quote(nodePath)} ${quote(cliPath)} "$@"\n. ${quote(thin)}\n`
      : `#!/bin/sh\nexec ${quote(nodePath)} ${quote(cliPath)} "$@"\n`;
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
