import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Juju's default rules, which it applies before the charm's `.jujuignore` (as
 * `juju deploy` of a charm directory and charmcraft do): VCS data, tox, the build
 * directory, the revision and version files, and `.jujuignore` itself.
 */
export const DEFAULT_JUJU_IGNORE = ['.git', '.svn', '.hg', '.bzr', '.tox', '', '/build/', '/revision', '/version', '', '.jujuignore'];

interface Rule {
  readonly negate: boolean;
  readonly dirOnly: boolean;
  readonly regex: RegExp;
}

/** Whether a path of the charm (relative, `/`-separated) is left out of the build. */
export type Ignored = (path: string, isDir: boolean) => boolean;

/**
 * `.jujuignore` with Juju's syntax, which is gitignore's: `#` comments, `!` re-includes,
 * a trailing `/` matches directories only, a pattern with a `/` (other than a trailing
 * one) is anchored at the charm's root, one without matches at any depth, `*` and `?`
 * stay within a path segment, `**` spans segments, `[…]` is a class. The last rule that
 * matches decides; a directory left out takes everything below it.
 */
export function jujuIgnore(lines: readonly string[]): Ignored {
  const rules = lines.map(compile).filter((rule): rule is Rule => rule !== undefined);
  return (path, isDir) => {
    let ignored = false;
    for (const rule of rules) {
      if (rule.dirOnly && !isDir) continue;
      if (rule.regex.test(path)) ignored = !rule.negate;
    }
    return ignored;
  };
}

/** Juju's defaults, then the charm's `.jujuignore` when it has one. */
export async function loadJujuIgnore(root: string): Promise<Ignored> {
  let own: string[] = [];
  try {
    own = (await readFile(join(root, '.jujuignore'), 'utf8')).split(/\r?\n/);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return jujuIgnore([...DEFAULT_JUJU_IGNORE, ...own]);
}

function compile(line: string): Rule | undefined {
  let pattern = line.replace(/(?<!\\)\s+$/, '');
  if (pattern === '' || pattern.startsWith('#')) return undefined;
  const negate = pattern.startsWith('!');
  if (negate) pattern = pattern.slice(1);
  else if (pattern.startsWith('\\!') || pattern.startsWith('\\#')) pattern = pattern.slice(1);
  const dirOnly = pattern.endsWith('/');
  if (dirOnly) pattern = pattern.slice(0, -1);
  const anchored = pattern.includes('/');
  if (pattern.startsWith('/')) pattern = pattern.slice(1);
  if (pattern === '') return undefined;
  return { negate, dirOnly, regex: new RegExp(`^${anchored ? '' : '(?:.*/)?'}${globToRegex(pattern)}$`) };
}

function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*' && glob[i + 1] === '*') {
      const slashAfter = glob[i + 2] === '/';
      const atStart = i === 0 || glob[i - 1] === '/';
      if (atStart && slashAfter) {
        out += '(?:.*/)?';
        i += 2;
      } else {
        out += '.*';
        i += 1;
      }
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) out += '\\[';
      else {
        const body = glob
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < glob.length) out += escape(glob[++i] as string);
    else out += escape(c);
  }
  return out;
}

function escape(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}
