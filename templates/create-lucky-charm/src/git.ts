import { execa } from 'execa';

/**
 * Makes `dir` a git repository. Skipped, with the reason returned, when git is
 * missing or `dir` is already inside a work tree (a charm in a monorepo keeps
 * its repository). A failing git is reported, never fatal: the charm is written.
 */
export async function gitInit(dir: string): Promise<{ initialised: boolean; note: string }> {
  const inside = await execa('git', ['rev-parse', '--is-inside-work-tree'], { cwd: dir, reject: false });
  if (inside.failed && (inside.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    return { initialised: false, note: 'git is not installed; no repository created.' };
  }
  if (inside.exitCode === 0 && inside.stdout.trim() === 'true') {
    return { initialised: false, note: 'Already inside a git work tree; no repository created.' };
  }
  const init = await execa('git', ['init', '--quiet'], { cwd: dir, reject: false });
  if (init.exitCode !== 0) return { initialised: false, note: `git init failed: ${init.stderr.trim() || init.message}` };
  return { initialised: true, note: 'Initialised a git repository.' };
}
