import { Command, Option, UsageError } from 'clipanion';
import { parseSecretContent, SecretUpsertCommand } from './content.js';

/** `lucky secret add [--owner app|unit] [--label L] [--description D] [--expire T] [--rotate P] <content>…` (Juju's secret-add). */
export class SecretAddCommand extends SecretUpsertCommand {
  static override paths = [['secret', 'add']];
  static override usage = Command.Usage({
    category: 'Secrets',
    description: 'create a secret and print its id (secret:…)',
    details: `
      Content is \`key=value\`, \`key#base64=<base64>\` or \`key#file=<path>\` (the file's bytes); keys are lowercase
      letters, digits and dashes, at least 3 long. The application owns the secret unless \`--owner unit\`; only the
      leader may create (and manage) an application's secrets. Juju creates it when the hook succeeds; the hook can
      read it back at once. Values never reach a command line or a log: they go to the hook tool in private files.
    `,
    examples: [
      ['Create a password', 'id=$(lucky secret add --label db-password password="$(lucky random)")'],
      ['From a file, rotating monthly', 'lucky secret add --rotate monthly tls-key#file=./server.key'],
      ["A unit's own secret that expires", 'lucky secret add --owner unit --expire 24h token=s3cret'],
    ],
  });

  owner = Option.String('--owner', { description: 'app (the default; the leader manages it) or unit (this unit only)' });
  content = Option.Rest({ required: 1, name: 'key=value' });

  async execute(): Promise<number> {
    let owner: 'application' | 'unit' | undefined;
    if (this.owner === 'app' || this.owner === 'application') owner = 'application';
    else if (this.owner === 'unit') owner = 'unit';
    else if (this.owner !== undefined) throw new UsageError(`Invalid --owner "${this.owner}": expected app or unit`);
    const content = parseSecretContent(this.content, process.cwd());
    const { id } = await this.call('secret.add', { ...content, ...this.metadata(), ...(owner !== undefined ? { owner } : {}) });
    this.context.stdout.write(`${id}\n`);
    return 0;
  }
}
