import { Command, Option } from 'clipanion';
import { CommandError, partialDatabase, type Outcome } from '../db/commands.js';
import { DEFAULT_DB, readDatabase, updateDatabase } from '../db/store.js';
import type { Database } from '../db/schema.js';

/** Base of the commands on the users database: `--db`, and Django's `CommandError: …` reporting. */
export abstract class DatabaseCommand extends Command {
  db = Option.String('--db', { description: 'The users database file (default: $HTTPREQ_DB, else /var/lib/httpreq/users.json)' });

  protected dbFile(): string {
    return this.db ?? (this.context.env.HTTPREQ_DB || DEFAULT_DB);
  }

  /** Prints a command's output as Django's stdout.write does: a newline is added unless there is one. */
  protected print(text: string): void {
    this.context.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Runs a change under the lock; a CommandError keeps what it already changed (Canonical saves each grant) and exits 1. */
  protected async change(apply: (db: Database) => Promise<Outcome> | Outcome): Promise<number> {
    type Done = { text: string } | { error: CommandError };
    const outcome = await updateDatabase<Done>(this.dbFile(), async (db) => {
      try {
        const done = await apply(db);
        return { ...(done.db === undefined ? {} : { db: done.db }), result: { text: done.result } };
      } catch (error) {
        if (!(error instanceof CommandError)) throw error;
        const partial = partialDatabase(error);
        return { ...(partial === undefined ? {} : { db: partial }), result: { error } };
      }
    });
    if ('error' in outcome) return this.fail(outcome.error);
    this.print(outcome.text);
    return 0;
  }

  protected async read(apply: (db: Database) => Outcome): Promise<number> {
    try {
      this.print(apply(await readDatabase(this.dbFile())).result);
      return 0;
    } catch (error) {
      if (error instanceof CommandError) return this.fail(error);
      throw error;
    }
  }

  private fail(error: CommandError): number {
    this.context.stderr.write(`CommandError: ${error.message}\n`);
    return 1;
  }
}
