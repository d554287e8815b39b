import { isValidDomain, INVALID_DOMAIN, pythonList, usernameProblems } from '../names.js';
import { hashPassword } from './password.js';
import type { Database, User } from './schema.js';

/**
 * The management commands on a database value, with Canonical's outputs and errors
 * (api/management/commands): each returns the new database (undefined: unchanged)
 * and the text for stdout, or throws CommandError.
 */

/** A failure Django reports as `CommandError: <message>` on stderr, exit 1. */
export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandError';
  }
}

export type AccessLevel = 'domain' | 'subdomain';

export interface Outcome {
  readonly db?: Database;
  readonly result: string;
}

function findUser(db: Database, username: string): User {
  const user = db.users.find((u) => u.username === username);
  if (user === undefined) throw new CommandError(`User "${username}" does not exist`);
  return user;
}

function replaceUser(db: Database, user: User): Database {
  return { ...db, users: db.users.map((u) => (u.username === user.username ? user : u)) };
}

function listOf(user: User, level: AccessLevel): string[] {
  return level === 'domain' ? user.domains : user.subdomains;
}

function withList(user: User, level: AccessLevel, list: string[]): User {
  const sorted = [...new Set(list)].sort();
  return level === 'domain' ? { ...user, domains: sorted } : { ...user, subdomains: sorted };
}

/** `create_user`, with defect g fixed: an existing user's password is replaced, and the output says so. */
export async function createUser(db: Database, username: string, password: string): Promise<Outcome> {
  const problems = usernameProblems(username);
  if (problems.length > 0) throw new CommandError(`Invalid user '${username}': ${pythonList(problems)}`);
  const hash = await hashPassword(password);
  const existing = db.users.find((u) => u.username === username);
  if (existing !== undefined) {
    return { db: replaceUser(db, { ...existing, password: hash }), result: `Updated "${username}" with password "${password}"` };
  }
  const user: User = { username, password: hash, domains: [], subdomains: [] };
  return { db: { ...db, users: [...db.users, user] }, result: `Created "${username}" with password "${password}"` };
}

/** Splits a `--domains a,b` value as Canonical does: empty or absent is no names. */
export function splitNames(value: string | undefined): string[] {
  return value ? value.split(',') : [];
}

function pairs(domains: readonly string[], subdomains: readonly string[]): [string, AccessLevel][] {
  return [...domains.map((d): [string, AccessLevel] => [d, 'domain']), ...subdomains.map((d): [string, AccessLevel] => [d, 'subdomain'])];
}

/** `allow_domains`: grants what it can; invalid names are collected into one error after the valid ones are kept. */
export function allowDomains(db: Database, username: string, domains: readonly string[], subdomains: readonly string[]): Outcome {
  let user = findUser(db, username);
  const known = new Set(db.domains);
  const failed: string[] = [];
  for (const [name, level] of pairs(domains, subdomains)) {
    if (!known.has(name)) {
      const problem = name === '' ? 'This field cannot be blank.' : isValidDomain(name) ? undefined : INVALID_DOMAIN;
      if (problem !== undefined) {
        failed.push(`[Domain: ${name}, Access: ${level}] ValidationError: ${pythonList([problem])}`);
        continue;
      }
      known.add(name);
    }
    if (!listOf(user, level).includes(name)) user = withList(user, level, [...listOf(user, level), name]);
  }
  const next = { ...replaceUser(db, user), domains: [...known] };
  if (failed.length > 0) throw Object.assign(new CommandError(`Failed to grant access to the following domains: \n${failed.join('\n')}`), { db: next });
  return { db: next, result: 'Successfully granted access to all domains.' };
}

/** `revoke_domains`: removes each grant; unknown domains and grants not held are collected into one error. */
export function revokeDomains(db: Database, username: string, domains: readonly string[], subdomains: readonly string[]): Outcome {
  let user = findUser(db, username);
  const failed: string[] = [];
  for (const [name, level] of pairs(domains, subdomains)) {
    if (!db.domains.includes(name)) {
      failed.push(`[Domain: ${name}, Access Level: ${level}] Domain does not exist.`);
    } else if (!listOf(user, level).includes(name)) {
      failed.push(`[Domain: ${name}, Access Level: ${level}] Failed to delete domain user permission.`);
    } else {
      user = withList(
        user,
        level,
        listOf(user, level).filter((d) => d !== name),
      );
    }
  }
  const next = replaceUser(db, user);
  if (failed.length > 0) throw Object.assign(new CommandError(`Failed to revoke access to the following domains: \n${failed.join('\n')}`), { db: next });
  return { db: next, result: 'Successfully removed access to the domains.' };
}

function formatUser(user: User): string {
  const lines = [`\n${user.username}:`];
  if (user.domains.length > 0) lines.push('    domains:', `        ${[...user.domains].sort().join(', ')}`);
  if (user.subdomains.length > 0) lines.push('    subdomains:', `        ${[...user.subdomains].sort().join(', ')}`);
  return lines.join('\n');
}

/** `list_domains`: one user, or `*` for every user in creation order. */
export function listDomains(db: Database, username: string): Outcome {
  if (username === '*') return { result: db.users.map(formatUser).join('\n') };
  return { result: formatUser(findUser(db, username)) };
}

export interface Grants {
  readonly username: string;
  readonly domains: readonly string[];
  readonly subdomains: readonly string[];
}

/** The grants without the password hashes: one user, or every user for `*`. */
export function grantsOf(db: Database, username: string): Grants | Grants[] {
  const view = (u: User): Grants => ({ username: u.username, domains: u.domains, subdomains: u.subdomains });
  return username === '*' ? db.users.map(view) : view(findUser(db, username));
}

/** The partial database a failed allow/revoke still keeps (Canonical commits each grant on its own). */
export function partialDatabase(error: unknown): Database | undefined {
  return error instanceof CommandError ? (error as CommandError & { db?: Database }).db : undefined;
}
