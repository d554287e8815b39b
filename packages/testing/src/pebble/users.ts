/** Users and groups of the workload container (its /etc/passwd and /etc/group), and Pebble's rules for combining them. */
import type { WorkloadContainer } from './container.js';
import { badRequest } from './responses.js';

interface Account {
  readonly name: string;
  readonly id: number;
  /** Primary group (users only). */
  readonly gid: number;
}

export interface IdResolver {
  accounts(): Promise<{ users: Account[]; groups: Account[] }>;
}

function parse(text: string, users: boolean): Account[] {
  return text
    .split('\n')
    .map((line) => line.split(':'))
    .filter((fields) => fields.length >= 3 && fields[0] !== '')
    .map((fields) => ({ name: fields[0]!, id: Number(fields[2]), gid: users ? Number(fields[3]) : Number(fields[2]) }))
    .filter((a) => Number.isInteger(a.id));
}

/** Reads the container's account files each time (a push may have changed them). */
export function containerIds(container: WorkloadContainer): IdResolver {
  return {
    async accounts() {
      const result = await container.script('"$BB" cat /etc/passwd 2>/dev/null; echo "\x1e"; "$BB" cat /etc/group 2>/dev/null; true', []);
      const [passwd = '', group = ''] = result.stdout.toString('utf8').split('\x1e');
      return { users: parse(passwd, true), groups: parse(group, false) };
    },
  };
}

export interface Ids {
  readonly uid?: number;
  readonly gid?: number;
}

/**
 * Pebble's NormalizeUidGid: user and user-id must agree; a group needs a user; a
 * user without a group gets the user's primary group. Throws a 400 ApiError.
 */
export async function normalizeIds(
  resolver: IdResolver,
  spec: { userId?: number | null; user?: string; groupId?: number | null; group?: string },
): Promise<Ids> {
  let uid = typeof spec.userId === 'number' ? spec.userId : undefined;
  let gid = typeof spec.groupId === 'number' ? spec.groupId : undefined;
  const user = spec.user ?? '';
  const group = spec.group ?? '';
  if (uid === undefined && user === '' && gid === undefined && group === '') return {};
  const { users, groups } = await resolver.accounts();
  if (user !== '') {
    const account = users.find((u) => u.name === user);
    if (!account) throw badRequest(`cannot look up user and group: user: unknown user ${user}`);
    if (uid !== undefined && uid !== account.id) throw badRequest(`user ${JSON.stringify(user)} UID (${account.id}) does not match user-id (${uid})`);
    uid = account.id;
  }
  if (group !== '') {
    const account = groups.find((g) => g.name === group);
    if (!account) throw badRequest(`cannot look up user and group: group: unknown group ${group}`);
    if (gid !== undefined && gid !== account.id) throw badRequest(`group ${JSON.stringify(group)} GID (${account.id}) does not match group-id (${gid})`);
    gid = account.id;
  }
  if (uid === undefined && gid !== undefined) throw badRequest('must specify user, not just group');
  if (uid !== undefined && gid === undefined) {
    const account = users.find((u) => u.id === uid);
    gid = account ? account.gid : uid;
  }
  return { ...(uid !== undefined && { uid }), ...(gid !== undefined && { gid }) };
}

/** Docker's `User` for a service or check definition (`uid:gid`), or undefined for root. */
export async function dockerUser(resolver: IdResolver, spec: Record<string, unknown>): Promise<string | undefined> {
  const ids = await normalizeIds(resolver, {
    ...(typeof spec['user-id'] === 'number' && { userId: spec['user-id'] }),
    ...(typeof spec.user === 'string' && { user: spec.user }),
    ...(typeof spec['group-id'] === 'number' && { groupId: spec['group-id'] }),
    ...(typeof spec.group === 'string' && { group: spec.group }),
  });
  return ids.uid === undefined ? undefined : `${ids.uid}:${ids.gid ?? ids.uid}`;
}
