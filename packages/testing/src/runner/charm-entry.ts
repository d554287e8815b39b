import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { SimulatorError } from '../errors.js';

/**
 * Refuses a charm that no hook could run in: without `dispatch` and without any
 * `hooks/<hook>` file, Juju would skip every hook and report nothing, and so would
 * the simulator, every hook "ok". A Lucky charm's source gets its dispatch from
 * `lucky charm build`; say so.
 */
export async function checkCharmEntry(dir: string, name: string): Promise<void> {
  const dispatch = await stat(join(dir, 'dispatch')).then(
    (s) => s.isFile(),
    () => false,
  );
  if (dispatch) return;
  const hooks = await readdir(join(dir, 'hooks')).catch(() => [] as string[]);
  if (hooks.length > 0) return;
  const near = relative(process.cwd(), dir);
  const shown = near === '' ? '.' : near.startsWith('..') ? dir : near;
  const fix = existsSync(join(dir, 'lucky.yaml'))
    ? `Build it first: "lucky charm build ${shown}", then deploy ${join(shown, 'build', name)}.`
    : 'Add an executable dispatch file (e.g. "#!/bin/sh" then "exec lucky dispatch") or hooks/<hook> files.';
  throw new SimulatorError(`${dir} has no dispatch file and no hooks/ directory, so none of its hooks would run. ${fix}`);
}
