import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

/** The package's command line, run as users run it (the built dist). */
export const BIN = fileURLToPath(new URL('../bin/httpreq-provider.js', import.meta.url));

export async function cli(args: readonly string[], options: { db: string; input?: string }) {
  const result = await execa('node', [BIN, ...args], {
    env: { HTTPREQ_DB: options.db },
    reject: false,
    stripFinalNewline: false,
    ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
  });
  return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? -1 };
}

/** git with a fixed identity, failing loudly. */
export async function git(cwd: string, ...args: string[]): Promise<string> {
  const result = await execa('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.test', '-c', 'init.defaultBranch=main', ...args], { cwd });
  return String(result.stdout);
}

/** A bare repository (branch main) whose first commit holds the given zone files; resolves its path. */
export async function bareRepo(dir: string, files: Readonly<Record<string, string>>): Promise<string> {
  const bare = join(dir, 'zones.git');
  const seed = join(dir, 'seed');
  await mkdir(seed, { recursive: true });
  await git(dir, 'init', '-q', '--bare', bare);
  await git(seed, 'init', '-q');
  for (const [name, content] of Object.entries(files)) await writeFile(join(seed, name), content);
  await git(seed, 'add', '-A');
  await git(seed, 'commit', '-q', '-m', 'zones');
  await git(seed, 'push', '-q', bare, 'HEAD:refs/heads/main');
  return bare;
}

/** A file of the bare repository's branch head. */
export async function show(bare: string, file: string, branch = 'main'): Promise<string> {
  return String((await execa('git', ['show', `${branch}:${file}`], { cwd: bare, stripFinalNewline: false })).stdout);
}

export interface Commit {
  readonly subject: string;
  readonly author: string;
  readonly email: string;
}

/** The branch's commits, newest first. */
export async function commits(bare: string, branch = 'main'): Promise<Commit[]> {
  const log = await git(bare, 'log', '--format=%s%x09%an%x09%ae', branch);
  return log
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [subject = '', author = '', email = ''] = line.split('\t');
      return { subject, author, email };
    });
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
