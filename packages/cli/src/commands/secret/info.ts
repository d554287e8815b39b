import { Command, Option, UsageError } from 'clipanion';
import { ClientCommand } from '../../context.js';
import { writeJson } from '../../output.js';
import { parseStructuredFormat } from '../structured-format.js';

/** `lucky secret info <id> | --label L` (Juju's secret-info-get). */
export class SecretInfoCommand extends ClientCommand {
  static override paths = [['secret', 'info']];
  static override usage = Command.Usage({
    category: 'Secrets',
    description: "print a secret's metadata: revision, label, owner, rotation, expiry, grants",
    details: `
      For the owner (the leader, for an application's secret). Juju's YAML (\`plain\` and \`yaml\`), keyed by the
      secret's id, or the same as JSON. Never the content.
    `,
    examples: [
      ['By id', 'lucky secret info "$id"'],
      ['By label, as JSON', 'lucky secret info --label db-password --format json'],
    ],
  });

  label = Option.String('--label', { description: "The secret's label" });
  formatOption = Option.String('--format', 'plain', { description: "plain or yaml (Juju's YAML), or json" });
  id = Option.String({ required: false, name: 'id' });

  async execute(): Promise<number> {
    const format = parseStructuredFormat(this.formatOption);
    if ((this.id === undefined) === (this.label === undefined)) throw new UsageError('Give the secret id or --label (one of them).');
    const params = { ...(this.id !== undefined ? { id: this.id } : {}), ...(this.label !== undefined ? { label: this.label } : {}) };
    const result = await this.call('secret.info', { ...params, yaml: format !== 'json' });
    if (format === 'json') writeJson(this.context.stdout, result.info);
    else this.context.stdout.write(result.yaml ?? '');
    return 0;
  }
}
