import { chmod, mkdir, readdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { charmHooks, type CharmMetadataInput } from './hooks.js';

/** Second line of every stub: how a later run recognises its own stubs among the author's files. */
const STUB_MARKER = '# Lucky hook stub:';

/** The exact text of the dispatch file. */
export function dispatchScript(): string {
  return `#!/bin/sh
# Juju (2.8+) runs this file for every hook and action; older Juju runs a
# hooks/<name> or actions/<name> stub, which sets JUJU_DISPATCH_PATH and execs it.
# Lucky reads the event from JUJU_DISPATCH_PATH.
JUJU_DISPATCH_PATH="\${JUJU_DISPATCH_PATH:-$0}"
export JUJU_DISPATCH_PATH
charm_dir="\${JUJU_CHARM_DIR:-$(cd "$(dirname "$0")" && pwd)}"
# A built charm carries its own Lucky runtime; in development and in the
# simulator, lucky comes from PATH.
if [ -x "$charm_dir/lucky/bin/lucky" ]; then
  exec "$charm_dir/lucky/bin/lucky" dispatch
fi
if ! command -v lucky >/dev/null 2>&1; then
  echo "dispatch: lucky is not on PATH and $charm_dir/lucky/bin/lucky does not exist; build the charm with \\"lucky charm build\\"." >&2
  exit 1
fi
exec lucky dispatch
`;
}

/** The exact text of one hook or action stub. */
export function stubScript(kind: 'hooks' | 'actions', name: string): string {
  return `#!/bin/sh
${STUB_MARKER} Juju versions without dispatch run this for ${kind}/${name}.
JUJU_DISPATCH_PATH="\${JUJU_DISPATCH_PATH:-${kind}/${name}}"
export JUJU_DISPATCH_PATH
exec "$(dirname "$0")/../dispatch"
`;
}

/**
 * Writes `dispatch`, `hooks/<name>` for every hook and `actions/<name>` for every
 * action (mode 0755), replacing older stubs; returns the paths written, relative
 * to charmDir. Stubs of hooks or actions the charm no longer has are removed;
 * other files in `hooks/` and `actions/` are left alone.
 */
export async function writeHookStubs(charmDir: string, metadata: CharmMetadataInput, actions: readonly string[] = []): Promise<string[]> {
  const wanted = charmHooks(metadata, actions);
  const written: string[] = [];
  await writeExecutable(charmDir, 'dispatch', dispatchScript());
  written.push('dispatch');
  for (const [kind, names] of [
    ['hooks', wanted.hooks],
    ['actions', wanted.actions],
  ] as const) {
    await removeStaleStubs(join(charmDir, kind), new Set(names));
    if (names.length === 0) continue;
    await mkdir(join(charmDir, kind), { recursive: true });
    for (const name of names) {
      await writeExecutable(charmDir, `${kind}/${name}`, stubScript(kind, name));
      written.push(`${kind}/${name}`);
    }
  }
  return written;
}

async function writeExecutable(charmDir: string, relative: string, text: string): Promise<void> {
  const path = join(charmDir, relative);
  // Other tools make hooks/<name> a symlink to ../dispatch; writing through it would overwrite dispatch.
  await rm(path, { force: true });
  await writeFile(path, text);
  // writeFile's mode is filtered by the umask; stubs must be executable regardless.
  await chmod(path, 0o755);
}

/** Removes stubs (files carrying the marker) not in `keep`, and the directory when nothing is left. */
async function removeStaleStubs(dir: string, keep: ReadonlySet<string>): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  let remaining = entries.length;
  for (const entry of entries) {
    if (keep.has(entry.name) || !entry.isFile()) continue;
    const path = join(dir, entry.name);
    const head = (await readFile(path, 'utf8')).split('\n', 2)[1] ?? '';
    if (!head.startsWith(STUB_MARKER)) continue;
    await rm(path);
    remaining--;
  }
  if (remaining === 0 && keep.size === 0) await rmdir(dir);
}
