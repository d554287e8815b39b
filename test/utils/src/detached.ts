import { execa } from 'execa';

/**
 * Starts a background server for the tests (dockerd, a registry): detached in its
 * own process group, output appended to `log`, so nothing ties the test's pipes or
 * exit to it; `env` is added to this process's environment. Returns its pid; the
 * caller stops it by that pid.
 */
export function spawnDetached(file: string, args: readonly string[], log: string, env?: Readonly<Record<string, string>>): number {
  const child = execa(file, args, {
    ...(env ? { env } : {}),
    detached: true,
    stdin: 'ignore',
    stdout: { file: log, append: true },
    stderr: { file: log, append: true },
    reject: false,
    cleanup: false,
  });
  child.catch(() => undefined);
  child.unref();
  if (child.pid === undefined) throw new Error(`Could not start ${file}; see ${log}`);
  return child.pid;
}
