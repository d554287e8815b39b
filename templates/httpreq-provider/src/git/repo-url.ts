import { ErrorCode, LuckyError } from '@lucky/errors';

/** A repository location from `HTTPREQ_GIT_REPO`. */
export interface RepoLocation {
  /** The commit author name: the SSH user of the URL (Canonical's rule), or `httpreq-provider` for a local path. */
  readonly user: string;
  /** What git clones and pushes to. */
  readonly url: string;
  /** The branch, or undefined for the remote's default branch. */
  readonly branch: string | undefined;
}

const LOCAL_AUTHOR = 'httpreq-provider';

/**
 * Parses `git+ssh://<user>@<host>[:port]/<path>[@<branch>]` as Canonical's `parse_repository_url`
 * (split on `@`: the user, the URL of the first two parts, the optional branch), which keeps `host:port`
 * intact for git. `ssh://` works the same; `file:///path[@branch]` and `/path[@branch]` name a local
 * repository (tests, or a repository on a mounted volume).
 */
export function parseRepositoryUrl(value: string): RepoLocation {
  const text = value.trim();
  if (/^(git\+ssh|ssh\+git|ssh):\/\//.test(text)) {
    const parts = text.split('@');
    const user = parts[0]!.split('//')[1] ?? '';
    if (parts.length < 2 || parts.length > 3 || user === '' || (parts[1] ?? '').split('/')[0] === '') {
      throw new LuckyError(
        ErrorCode.ConfigInvalid,
        `HTTPREQ_GIT_REPO "${text}" is not git+ssh://<user>@<host>[:<port>]/<path>[@<branch>]; set it to that form.`,
      );
    }
    const branch = parts[2];
    if (branch === '')
      throw new LuckyError(ErrorCode.ConfigInvalid, `HTTPREQ_GIT_REPO "${text}" ends with "@" but names no branch; remove the "@" or add the branch.`);
    return { user, url: parts.slice(0, 2).join('@'), branch };
  }
  if (text.startsWith('file://') || text.startsWith('/')) {
    const at = text.lastIndexOf('@');
    const slash = text.lastIndexOf('/');
    const branch = at > slash ? text.slice(at + 1) : undefined;
    return { user: LOCAL_AUTHOR, url: at > slash ? text.slice(0, at) : text, branch: branch === '' ? undefined : branch };
  }
  throw new LuckyError(
    ErrorCode.ConfigInvalid,
    `HTTPREQ_GIT_REPO "${text}" is not a repository URL: use git+ssh://<user>@<host>[:<port>]/<path>[@<branch>] (or file:///<path> for a local repository).`,
  );
}
