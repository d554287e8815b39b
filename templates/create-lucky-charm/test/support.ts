import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type Options } from 'execa';

/** The package's real bin, as `npm create lucky-charm` runs it (needs `tsc -b` first). */
export const BIN = fileURLToPath(new URL('../bin/create-lucky-charm.js', import.meta.url));
export const TEMPLATE = fileURLToPath(new URL('../template/', import.meta.url));
/** The workspace's `lucky` CLI (needs `pnpm build`). */
export const LUCKY_CJS = fileURLToPath(new URL('../../../packages/cli/bin/lucky.cjs', import.meta.url));
export const TESTING_PACKAGE = fileURLToPath(new URL('../../../packages/testing/', import.meta.url));

export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `clc-${prefix}-`));
}

export function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

export interface BinResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the bin in `cwd` without a terminal; `input` is piped to its stdin. */
export async function create(cwd: string, args: readonly string[], input?: string, env: Record<string, string> = {}): Promise<BinResult> {
  const options: Options = {
    cwd,
    reject: false,
    stripFinalNewline: false,
    env: { ...env, npm_config_user_agent: env.npm_config_user_agent ?? '' },
    ...(input === undefined ? { stdin: 'ignore' } : { input }),
  };
  const result = await execa(process.execPath, [BIN, ...args], options);
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** Every file under `dir`, relative with `/`, sorted; `.git` is left out. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .filter((path) => !path.startsWith('.git/'))
    .sort();
}

/** A directory holding an executable `lucky` that runs the workspace CLI, for hooks' PATH. */
export async function luckyBinDir(root: string): Promise<string> {
  const bin = join(root, 'lucky-bin');
  await mkdir(bin, { recursive: true });
  await writeFile(join(bin, 'lucky'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(LUCKY_CJS)} "$@"\n`, { mode: 0o755 });
  return bin;
}
