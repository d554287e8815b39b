import { createHash } from 'node:crypto';
import { databaseVersion, readDatabase } from '../db/store.js';
import { verifyPassword } from '../db/password.js';
import type { Database, User } from '../db/schema.js';

/**
 * The users database as the service sees it: re-read whenever the file changes (another
 * process — the CLI, or the charm importing a replica — replaces it), checked on every request.
 */
export class UserDirectory {
  private version: string | undefined;
  private db: Database | undefined;
  /** Successful checks, so scrypt runs once per (user, hash, password) rather than per request. */
  private readonly verified = new Set<string>();

  readonly file: string;
  private readonly onReloadError: (error: Error) => void;

  constructor(file: string, onReloadError: (error: Error) => void = () => undefined) {
    this.file = file;
    this.onReloadError = onReloadError;
  }

  async current(): Promise<Database> {
    const version = await databaseVersion(this.file);
    if (version !== this.version || this.db === undefined) {
      try {
        this.db = await readDatabase(this.file);
        this.version = version;
      } catch (error) {
        // A broken replacement keeps the last good users rather than locking everyone out.
        if (this.db === undefined) throw error;
        this.onReloadError(error as Error);
      }
    }
    return this.db;
  }

  /** The user whose password matches, or undefined. */
  async authenticate(username: string, password: string): Promise<User | undefined> {
    const user = (await this.current()).users.find((u) => u.username === username);
    if (user === undefined) return undefined;
    const key = createHash('sha256').update(`${username}\0${user.password}\0${password}`).digest('hex');
    if (this.verified.has(key)) return user;
    if (!(await verifyPassword(password, user.password))) return undefined;
    if (this.verified.size > 1000) this.verified.clear();
    this.verified.add(key);
    return user;
  }
}

/** Canonical's grant rule: `domain` is the exact name, `subdomain` any name strictly below it (never the apex). */
export function isGranted(user: User, name: string): boolean {
  return user.domains.includes(name) || user.subdomains.some((domain) => name.endsWith(`.${domain}`));
}
