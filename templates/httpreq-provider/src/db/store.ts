import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as v from 'valibot';
import { ErrorCode, LuckyError } from '@lucky/errors';
import { DatabaseSchema, emptyDatabase, type Database } from './schema.js';

/** Where the users and grants live unless HTTPREQ_DB or --db says otherwise. */
export const DEFAULT_DB = '/var/lib/httpreq/users.json';

const LOCK_DEADLINE_MS = 30_000;

/** Parses and validates a database text; `where` names its origin in the error. */
export function parseDatabase(text: string, where: string): Database {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new LuckyError(ErrorCode.StateCorrupt, `${where} is not JSON (${(error as Error).message}); give the output of "httpreq-provider export-db".`);
  }
  const result = v.safeParse(DatabaseSchema, json);
  if (!result.success) {
    const issues = result.issues.map((issue) => `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`).join('; ');
    throw new LuckyError(ErrorCode.StateCorrupt, `${where} is not a users database: ${issues}.`);
  }
  return result.output;
}

/** The text written to the file and printed by export-db: compact JSON and a newline. */
export function serializeDatabase(db: Database): string {
  return `${JSON.stringify(db)}\n`;
}

/** Reads the database; a missing file is the empty database. */
export async function readDatabase(file: string): Promise<Database> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyDatabase();
    throw error;
  }
  return parseDatabase(text, file);
}

/** Writes the whole file atomically: a 0600 temp file in the same directory (owned by the directory's owner), fsync, rename. */
export async function writeDatabase(file: string, db: Database): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    // Run as root (a charm's exec), the file still belongs to the directory's owner, the workload user
    // that serves from it: a root-owned 0600 file would lock the service out.
    if (process.getuid?.() === 0) {
      const owner = await stat(dirname(file));
      if (owner.uid !== 0 || owner.gid !== 0) await handle.chown(owner.uid, owner.gid);
    }
    await handle.writeFile(serializeDatabase(db));
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `change` on the database under `<file>.lock` (created exclusively, holding our pid),
 * so concurrent CLIs never lose each other's updates. A lock whose holder is gone is taken over.
 * `change` returns the new database, or undefined to leave the file as it is.
 */
export async function updateDatabase<T>(
  file: string,
  change: (db: Database) => Promise<{ db?: Database; result: T }> | { db?: Database; result: T },
): Promise<T> {
  const lock = `${file}.lock`;
  mkdirSync(dirname(file), { recursive: true });
  const deadline = Date.now() + LOCK_DEADLINE_MS;
  for (;;) {
    try {
      await writeFile(lock, String(process.pid), { flag: 'wx', mode: 0o600 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(await readFile(lock, 'utf8').catch(() => ''));
      // A half-written lock (empty) belongs to a live writer for a moment; only a dead pid is stale.
      if (Number.isInteger(holder) && holder > 0 && !pidAlive(holder)) {
        await rm(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new LuckyError(
          ErrorCode.StateWriteFailed,
          `The users database ${file} stayed locked by pid ${holder} for ${LOCK_DEADLINE_MS / 1000} s; if no httpreq-provider command runs, remove ${lock}.`,
        );
      }
      await sleep(10);
    }
  }
  try {
    const { db, result } = await change(await readDatabase(file));
    if (db !== undefined) await writeDatabase(file, db);
    return result;
  } finally {
    await rm(lock, { force: true });
  }
}

/** A cheap identity of the file's current version (inode, size, mtime), to notice replacements. */
export async function databaseVersion(file: string): Promise<string> {
  try {
    const s = await stat(file, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
}
