import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { addRecord, findZone, lastTwoLabels, removeRecord, ZONE_SUFFIX } from './zone.js';
import type { RepoLocation } from './repo-url.js';

/** A DNS backend failure: the service answers 500 with this message (Canonical's DnsSourceUpdateError). */
export class DnsSourceUpdateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DnsSourceUpdateError';
  }
}

/** git's complaint on one line: every stderr line (the cause, such as ssh's, comes first), at most 600 characters. */
function gitDetail(result: { stdout: string; stderr: string }): string {
  const text = (result.stderr || result.stdout)
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' | ');
  return text.length > 600 ? `${text.slice(0, 597)}...` : text;
}

export interface ZoneRepositoryOptions {
  readonly location: RepoLocation;
  /** A directory this process owns; the working clone is `<workdir>/clone`. */
  readonly workdir: string;
  /** Environment for git (GIT_SSH_COMMAND, HOME …); default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** How many times a change is re-applied after a rejected (non-fast-forward) push. Default 8. */
  readonly attempts?: number;
  /** Per git command; lego waits 30 s for the whole request by default. Default 20 s. */
  readonly gitTimeoutMs?: number;
}

export type ChangeResult = 'committed' | 'unchanged';

/**
 * The zone files in git, through one working clone kept for the life of the process
 * (Canonical clones on every request, defect k). Changes are serialized within the process and
 * made on the local head; a push rejected because another unit pushed first is re-applied on the
 * fetched head and retried (defect d), so a lone unit spends two git commands per change.
 */
export class ZoneRepository {
  private readonly dir: string;
  private readonly attempts: number;
  private readonly timeout: number;
  private queue: Promise<unknown> = Promise.resolve();
  private cloned = false;
  /** The clone may hold a commit the remote refused or never got (a failed request): reset before the next change. */
  private mustReset = false;
  private branch: string | undefined;
  /** How many pushes were rejected and retried, for logs and tests. */
  retries = 0;

  private readonly options: ZoneRepositoryOptions;

  constructor(options: ZoneRepositoryOptions) {
    this.options = options;
    this.dir = join(options.workdir, 'clone');
    this.attempts = options.attempts ?? 8;
    this.timeout = options.gitTimeoutMs ?? 20_000;
    this.branch = options.location.branch;
  }

  /** Adds the TXT value for `fqdn` (no trailing dot); commit `Add <fqdn> record`. */
  present(fqdn: string, value: string): Promise<ChangeResult> {
    return this.serialized(() => this.change(fqdn, `Add ${fqdn} record`, (content, name) => addRecord(content, name, value)));
  }

  /** Removes only that TXT value for `fqdn`; commit `Remove <fqdn> record`; a missing record is no change. */
  cleanup(fqdn: string, value: string): Promise<ChangeResult> {
    return this.serialized(() => this.change(fqdn, `Remove ${fqdn} record`, (content, name) => removeRecord(content, name, value)));
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async git(args: readonly string[], what = `git ${args[0] ?? ''}`): Promise<{ stdout: string; stderr: string; exitCode: number }> {
    const result = await execa('git', args, {
      cwd: this.cloned ? this.dir : this.options.workdir,
      env: { ...(this.options.env ?? process.env), GIT_TERMINAL_PROMPT: '0' },
      extendEnv: false,
      reject: false,
      timeout: this.timeout,
      stdin: 'ignore',
    });
    if (result.timedOut) throw new DnsSourceUpdateError(`${what} did not finish within ${this.timeout / 1000} s.`);
    return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? 1 };
  }

  private async mustGit(args: readonly string[]): Promise<string> {
    const what = `git ${args.find((a) => !a.startsWith('-') && !a.includes('=')) ?? ''}`;
    const result = await this.git(args, what);
    if (result.exitCode !== 0) {
      const detail = gitDetail(result);
      throw new DnsSourceUpdateError(`${what} failed (exit ${result.exitCode}): ${detail}`);
    }
    return result.stdout;
  }

  private async ensureClone(): Promise<boolean> {
    if (this.cloned) return false;
    await mkdir(this.options.workdir, { recursive: true });
    await rm(this.dir, { recursive: true, force: true });
    const { url } = this.options.location;
    const branch = this.branch === undefined ? [] : ['--branch', this.branch];
    await this.mustGit(['clone', '--quiet', '--depth', '1', '--single-branch', '--no-tags', ...branch, url, this.dir]);
    this.cloned = true;
    this.branch ??= (await this.mustGit(['symbolic-ref', '--short', 'HEAD'])).trim();
    return true;
  }

  private async resetToRemote(): Promise<void> {
    this.mustReset = true;
    await this.mustGit(['fetch', '--quiet', '--depth', '1', '--no-tags', 'origin', `refs/heads/${this.branch!}`]);
    await this.mustGit(['reset', '--quiet', '--hard', 'FETCH_HEAD']);
    this.mustReset = false;
  }

  private async change(fqdn: string, message: string, edit: (content: string, name: string) => string): Promise<ChangeResult> {
    // Optimistic: the edit is made on the local head, which is the remote's as of our last push. When
    // another writer pushed since, our push is refused and the edit is re-applied on the fetched head.
    // A decision that needs the remote's current content (nothing to change, no zone file) is only
    // taken on a head fetched during this request.
    let current = await this.ensureClone();
    if (this.mustReset) {
      await this.resetToRemote();
      current = true;
    }
    const { user } = this.options.location;
    for (let attempt = 1; ; attempt++) {
      const zone = findZone(fqdn, (file) => existsSync(join(this.dir, file)));
      if (zone === undefined) {
        if (!current) {
          await this.resetToRemote();
          current = true;
          continue;
        }
        throw new DnsSourceUpdateError(`${lastTwoLabels(fqdn)}${ZONE_SUFFIX} file not found in git repository. Is this site configured for DNS?`);
      }
      const file = `${zone.domain}${ZONE_SUFFIX}`;
      const path = join(this.dir, file);
      const content = await readFile(path, 'utf8');
      const next = edit(content, zone.name);
      // Defect c fixed: nothing to change is success, never an empty commit.
      if (next === content) {
        if (current) return 'unchanged';
        await this.resetToRemote();
        current = true;
        continue;
      }
      // Until this change is pushed, the clone is ahead of (or beside) the remote.
      this.mustReset = true;
      await writeFile(path, next, 'utf8');
      // The email too: git refuses to commit when it cannot guess one, as in a minimal container.
      await this.mustGit([
        '-c',
        `user.name=${user}`,
        '-c',
        `user.email=${user}@httpreq-provider`,
        'commit',
        '--quiet',
        '--no-verify',
        '-m',
        message,
        '--',
        file,
      ]);
      const push = await this.git(['push', '--porcelain', 'origin', `HEAD:refs/heads/${this.branch!}`], 'git push');
      if (push.exitCode === 0) {
        this.mustReset = false;
        return 'committed';
      }
      // Defect d fixed: a push another writer beat is re-applied on the new head; anything else fails.
      // Losing the race shows as a non-fast-forward rejection, or, when the other push lands during
      // ours, as the remote failing to lock or update the ref from the old value it was sent.
      const rejected = /\[rejected\]|non-fast-forward|fetch first|cannot lock ref|failed to update ref|incorrect old value/.test(push.stdout + push.stderr);
      if (!rejected) {
        const detail = gitDetail(push);
        throw new DnsSourceUpdateError(`git push failed (exit ${push.exitCode}): ${detail}`);
      }
      if (attempt >= this.attempts) {
        throw new DnsSourceUpdateError(`git push was rejected ${attempt} times in a row (other writers kept pushing first).`);
      }
      this.retries++;
      await this.resetToRemote();
      current = true;
    }
  }
}
