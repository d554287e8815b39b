import { Command, Option, UsageError } from 'clipanion';
import { ClientCommand } from '../../context.js';
import { writeJson, writeMap } from '../../output.js';
import { parseStructuredFormat } from '../structured-format.js';
import { looksLikeSecretId } from './content.js';

/** `lucky secret get <id> [key] | --label L [key]` (Juju's secret-get). */
export class SecretGetCommand extends ClientCommand {
  static override paths = [['secret', 'get']];
  static override usage = Command.Usage({
    category: 'Secrets',
    description: "print a secret's content, or one key of it",
    details: `
      A consumer reads the revision it tracks: the first read tracks the latest, and it stays there until
      \`--refresh\` (read the latest and track it) or, just once, \`--peek\` (read the latest). The owner reads the
      latest. \`--label\` with an id gives the secret that label for this unit; alone, it finds the secret by it.
      Output: \`key=value\` lines, or the value of \`key\`; \`--format json|yaml\` as Juju prints them.
    `,
    examples: [
      ['Read a key', 'password=$(lucky secret get "$id" password)'],
      ['Label it, then read by label', 'lucky secret get "$id" --label db-creds >/dev/null; lucky secret get --label db-creds'],
      ['Move to the new revision in secret-changed', 'lucky secret get "$JUJU_SECRET_ID" --refresh --format json'],
    ],
  });

  label = Option.String('--label', { description: "The secret's label (its owner's, or the one this unit gave it)" });
  peek = Option.Boolean('--peek', false, { description: 'Read the latest revision, just this time' });
  refresh = Option.Boolean('--refresh', false, { description: 'Read the latest revision and track it from now on' });
  formatOption = Option.String('--format', 'plain', { description: 'plain (key=value lines), json or yaml' });
  idArg = Option.String({ required: false, name: 'id' });
  keyArg = Option.String({ required: false, name: 'key' });

  async execute(): Promise<number> {
    const format = parseStructuredFormat(this.formatOption);
    if (this.peek && this.refresh) throw new UsageError('Give --peek or --refresh, not both.');
    const args = [this.idArg, this.keyArg].filter((arg): arg is string => arg !== undefined);
    // With --label, a lone argument is the id when it looks like one, else the key.
    const id = this.label !== undefined && args.length === 1 && !looksLikeSecretId(args[0] ?? '') ? undefined : args.shift();
    const key = args.shift();
    if (id === undefined && this.label === undefined) throw new UsageError('Give the secret id, or --label.');
    if (id === undefined && key !== undefined && format === 'yaml') {
      throw new UsageError("Juju's secret-get takes a key only after an id: give the id for one key in YAML, or use --format plain|json.");
    }
    const params = {
      ...(id !== undefined ? { id } : {}),
      ...(this.label !== undefined ? { label: this.label } : {}),
      ...(key !== undefined ? { key } : {}),
      peek: this.peek,
      refresh: this.refresh,
    };
    const result = await this.call('secret.get', { ...params, yaml: format === 'yaml' });
    const out = this.context.stdout;
    if (format === 'yaml') out.write(result.yaml ?? '');
    else if (key !== undefined) format === 'json' ? writeJson(out, result.value ?? '') : out.write(`${result.value ?? ''}\n`);
    else if (format === 'json') writeJson(out, result.content ?? {});
    else writeMap(out, 'plain', result.content ?? {});
    return 0;
  }
}
