/**
 * Pebble's files API inside the workload container: writes go in as a tar through
 * Docker's archive API (mode and owner in the header), everything else runs as a
 * small script of the mounted busybox. Errors carry Pebble's kinds and Go-style messages.
 */
import { posix } from 'node:path';
import type { WorkloadContainer } from './container.js';
import { ApiError } from './responses.js';
import { singleFileTar } from './tar.js';
import { normalizeIds, type IdResolver, type Ids } from './users.js';

/** A per-path failure, reported inside a 200 answer as `{path, error: {message, kind}}`. */
export class PathError extends Error {
  readonly kind: 'not-found' | 'permission-denied' | 'generic-file-error';
  constructor(kind: PathError['kind'], message: string) {
    super(message);
    this.kind = kind;
  }
}

const q = (text: string) => JSON.stringify(text);

function checkAbsolute(path: string): void {
  if (!posix.isAbsolute(path)) throw new PathError('generic-file-error', `paths must be absolute, got ${q(path)}`);
}

/** Parses Pebble's 3-digit octal permissions. */
export function parsePermissions(text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  if (!/^[0-7]{3}$/.test(text)) throw new PathError('generic-file-error', `permissions must be a 3-digit octal string, got ${q(text)}`);
  return parseInt(text, 8);
}

async function ids(resolver: IdResolver, item: { 'user-id'?: number | null; user?: string; 'group-id'?: number | null; group?: string }): Promise<Ids> {
  try {
    return await normalizeIds(resolver, {
      ...(item['user-id'] !== undefined && { userId: item['user-id'] }),
      ...(item.user !== undefined && { user: item.user }),
      ...(item['group-id'] !== undefined && { groupId: item['group-id'] }),
      ...(item.group !== undefined && { group: item.group }),
    });
  } catch (error) {
    throw new PathError('generic-file-error', error instanceof ApiError ? error.message : String(error));
  }
}

const MKDIR_SCRIPT = `
p=$1; parents=$2; mode=$3; owner=$4
if [ "$parents" = true ]; then
  [ -d "$p" ] && exit 0
  d=$p; created=""
  while [ ! -e "$d" ] && [ ! -L "$d" ]; do created="$d
$created"; d=$("$BB" dirname "$d"); done
  [ -d "$d" ] || exit 20
  IFS='
'
  for c in $created; do "$BB" mkdir "$c" 2>/dev/null || [ -d "$c" ] || exit 21; "$BB" chmod "$mode" "$c"; [ -z "$owner" ] || "$BB" chown "$owner" "$c"; done
else
  if [ -e "$p" ] || [ -L "$p" ]; then exit 17; fi
  [ -d "$("$BB" dirname "$p")" ] || exit 2
  "$BB" mkdir "$p" || exit 21
  "$BB" chmod "$mode" "$p"; [ -z "$owner" ] || "$BB" chown "$owner" "$p"
fi`;

const READ_SCRIPT = `
p=$1
[ -e "$p" ] || exit 2
[ -f "$p" ] || exit 3
[ -r "$p" ] || exit 13
exec "$BB" cat "$p"`;

const FORMAT = '%f|%s|%Y|%u|%g|%U|%G|%n';
const LIST_SCRIPT = `
p=$1; itself=$2
[ -e "$p" ] || exit 2
if [ -d "$p" ] && [ "$itself" != true ]; then
  cd "$p" || exit 13
  for f in * .[!.]* ..?*; do
    { [ -e "$f" ] || [ -L "$f" ]; } || continue
    "$BB" stat -c '${FORMAT}' -- "$f"
  done
else
  "$BB" stat -L -c '${FORMAT}' -- "$p"
fi`;

const REMOVE_SCRIPT = `
p=$1; recursive=$2
if [ ! -e "$p" ] && [ ! -L "$p" ]; then [ "$recursive" = true ] && exit 0; exit 2; fi
if [ "$recursive" = true ]; then "$BB" rm -rf -- "$p" || exit 21
elif [ -d "$p" ] && [ ! -L "$p" ]; then "$BB" rmdir -- "$p" 2>/dev/null || exit 39
else "$BB" rm -f -- "$p" || exit 21
fi`;

function owner(id: Ids): string {
  return id.uid === undefined ? '' : `${id.uid}:${id.gid ?? id.uid}`;
}

/** Go's path.Match as a RegExp (`*`, `?`, `[…]`, `\\` escapes; `*` never crosses `/`). */
export function globToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '\\') {
      const next = pattern[++i];
      if (next === undefined) throw new ApiError(400, 'syntax error in pattern');
      out += next.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) throw new ApiError(400, 'syntax error in pattern');
      let body = pattern.slice(i + 1, end);
      if (body.startsWith('^')) body = `^${body.slice(1)}`;
      out += `[${body.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

function fileType(mode: number): string {
  switch (mode & 0o170000) {
    case 0o100000:
      return 'file';
    case 0o040000:
      return 'directory';
    case 0o120000:
      return 'symlink';
    case 0o140000:
      return 'socket';
    case 0o010000:
      return 'named-pipe';
    case 0o020000:
    case 0o060000:
      return 'device';
    default:
      return 'unknown';
  }
}

export class FilesApi {
  private readonly container: WorkloadContainer;
  private readonly resolver: IdResolver;

  constructor(container: WorkloadContainer, resolver: IdResolver) {
    this.container = container;
    this.resolver = resolver;
  }

  private async mkdir(path: string, parents: boolean, mode: number, id: Ids): Promise<void> {
    const result = await this.container.script(MKDIR_SCRIPT, [path, String(parents), mode.toString(8), owner(id)]);
    switch (result.exitCode) {
      case 0:
        return;
      case 17:
        throw new PathError('generic-file-error', `mkdir ${path}: file exists`);
      case 2:
        throw new PathError('not-found', `mkdir ${path}: no such file or directory`);
      case 20:
        throw new PathError('generic-file-error', `mkdir ${path}: not a directory`);
      default:
        throw new PathError('generic-file-error', `mkdir ${path}: ${result.stderr.toString('utf8').trim() || `exit ${result.exitCode}`}`);
    }
  }

  async write(
    item: { path: string; 'make-dirs'?: boolean; permissions?: string; 'user-id'?: number | null; user?: string; 'group-id'?: number | null; group?: string },
    content: Buffer,
  ): Promise<void> {
    checkAbsolute(item.path);
    const id = await ids(this.resolver, item);
    const mode = parsePermissions(item.permissions, 0o644);
    const dir = posix.dirname(item.path);
    if (item['make-dirs']) {
      try {
        await this.mkdir(dir, true, 0o755, id);
      } catch (error) {
        throw new PathError((error as PathError).kind ?? 'generic-file-error', `cannot create directory: ${(error as Error).message}`);
      }
    }
    const tar = singleFileTar(posix.basename(item.path), content, { mode, uid: id.uid ?? 0, gid: id.gid ?? id.uid ?? 0 });
    try {
      await this.container.putArchive(tar, dir);
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 404) throw new PathError('not-found', `open ${item.path}: no such file or directory`);
      throw new PathError('generic-file-error', `open ${item.path}: ${(error as Error).message}`);
    }
  }

  async read(path: string): Promise<Buffer> {
    checkAbsolute(path);
    const result = await this.container.script(READ_SCRIPT, [path]);
    switch (result.exitCode) {
      case 0:
        return result.stdout;
      case 2:
        throw new PathError('not-found', `stat ${path}: no such file or directory`);
      case 3:
        throw new PathError('generic-file-error', `can only read a regular file: ${q(path)}`);
      case 13:
        throw new PathError('permission-denied', `open ${path}: permission denied`);
      default:
        throw new PathError('generic-file-error', `read ${path}: ${result.stderr.toString('utf8').trim() || `exit ${result.exitCode}`}`);
    }
  }

  /** `action=list`: throws an ApiError (404/400) as Pebble answers it. */
  async list(path: string, pattern: string, itself: boolean): Promise<Record<string, unknown>[]> {
    if (!posix.isAbsolute(path)) throw new ApiError(400, `path must be absolute, got ${q(path)}`);
    const match = pattern === '' ? undefined : globToRegExp(pattern);
    const result = await this.container.script(LIST_SCRIPT, [path, String(itself)]);
    if (result.exitCode === 2) throw new ApiError(404, `stat ${path}: no such file or directory`, 'not-found');
    if (result.exitCode === 13) throw new ApiError(403, `open ${path}: permission denied`, 'permission-denied');
    if (result.exitCode !== 0) throw new ApiError(400, `cannot list ${path}: ${result.stderr.toString('utf8').trim()}`, 'generic-file-error');
    const lines = result.stdout.toString('utf8').split('\n').filter(Boolean);
    const out: Record<string, unknown>[] = [];
    for (const line of lines) {
      const fields = line.split('|');
      const name = fields.slice(7).join('|');
      const [modeHex = '0', size = '0', mtime = '0', uid = '0', gid = '0', user = '', group = ''] = fields;
      const mode = parseInt(modeHex, 16);
      const type = fileType(mode);
      const single = lines.length === 1 && name === path;
      const base = single ? posix.basename(path) : name;
      if (match && !match.test(base)) continue;
      const full = single ? (path === '/' ? '/' : posix.normalize(path)) : posix.join(path, name);
      const entry: Record<string, unknown> = { path: full, name: base, type };
      if (type === 'file') entry.size = Number(size);
      entry.permissions = (mode & 0o777).toString(8).padStart(3, '0');
      entry['last-modified'] = new Date(Number(mtime) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      entry['user-id'] = Number(uid);
      entry.user = user === 'UNKNOWN' ? '' : user;
      entry['group-id'] = Number(gid);
      entry.group = group === 'UNKNOWN' ? '' : group;
      out.push(entry);
    }
    return out;
  }

  async makeDir(item: {
    path: string;
    'make-parents'?: boolean;
    permissions?: string;
    'user-id'?: number | null;
    user?: string;
    'group-id'?: number | null;
    group?: string;
  }): Promise<void> {
    checkAbsolute(item.path);
    const mode = parsePermissions(item.permissions, 0o755);
    const id = await ids(this.resolver, item);
    await this.mkdir(item.path, item['make-parents'] ?? false, mode, id);
  }

  async remove(item: { path: string; recursive?: boolean }): Promise<void> {
    checkAbsolute(item.path);
    const result = await this.container.script(REMOVE_SCRIPT, [item.path, String(item.recursive ?? false)]);
    switch (result.exitCode) {
      case 0:
        return;
      case 2:
        throw new PathError('not-found', `remove ${item.path}: no such file or directory`);
      case 39:
        throw new PathError('generic-file-error', `remove ${item.path}: directory not empty`);
      default:
        throw new PathError('generic-file-error', `remove ${item.path}: ${result.stderr.toString('utf8').trim() || `exit ${result.exitCode}`}`);
    }
  }
}
