import { Command } from 'clipanion';
import { isDeepStrictEqual } from 'node:util';
import { parseDatabase, readDatabase, serializeDatabase, updateDatabase } from '../db/store.js';
import { DatabaseCommand } from './db-command.js';

export class ExportDbCommand extends DatabaseCommand {
  static override paths = [['export-db']];
  static override usage = Command.Usage({
    description: 'print the users database as JSON',
    details: `
      One line of JSON: \`{"version":1,"users":[{"username","password" (scrypt hash),"domains","subdomains"}],"domains":[…]}\`. A missing file prints the empty database. Feed it to \`import-db\` on another unit to serve the same users.
    `,
    examples: [['Copy the users to another unit', 'httpreq-provider export-db > users.json']],
  });

  async execute(): Promise<number> {
    this.context.stdout.write(serializeDatabase(await readDatabase(this.dbFile())));
    return 0;
  }
}

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin as AsyncIterable<Buffer | string>) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

export class ImportDbCommand extends DatabaseCommand {
  static override paths = [['import-db']];
  static override usage = Command.Usage({
    description: 'replace the users database with JSON read from stdin',
    details: `
      Validates the input (the format \`export-db\` prints), then replaces the file atomically (mode 0600) under the database lock; identical content leaves the file untouched. A running \`serve\` picks the change up on its next request.
    `,
    examples: [['Load a copy', 'httpreq-provider import-db < users.json']],
  });

  async execute(): Promise<number> {
    const incoming = parseDatabase(await readStdin(this.context.stdin), 'The input');
    const replaced = await updateDatabase(this.dbFile(), (db) => (isDeepStrictEqual(db, incoming) ? { result: false } : { db: incoming, result: true }));
    this.context.stdout.write(`Database ${replaced ? 'replaced' : 'unchanged'} (${incoming.users.length} users).\n`);
    return 0;
  }
}
