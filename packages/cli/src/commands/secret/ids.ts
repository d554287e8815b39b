import { Command, Option } from 'clipanion';
import { ClientCommand } from '../../context.js';
import { writeJson, writeList } from '../../output.js';
import { parseStructuredFormat } from '../structured-format.js';

/** `lucky secret ids` (Juju's secret-ids). */
export class SecretIdsCommand extends ClientCommand {
  static override paths = [['secret', 'ids']];
  static override usage = Command.Usage({
    category: 'Secrets',
    description: "list the ids of this unit's secrets (and, on the leader, its application's)",
    details: 'Secrets created earlier in the same hook are listed too. One id per line, or `--format json|yaml`.',
    examples: [
      ['Plain', 'lucky secret ids'],
      ['JSON', 'lucky secret ids --format json'],
    ],
  });

  formatOption = Option.String('--format', 'plain', { description: 'plain, json or yaml' });

  async execute(): Promise<number> {
    const format = parseStructuredFormat(this.formatOption);
    const result = await this.call('secret.ids', { yaml: format === 'yaml' });
    if (format === 'yaml') this.context.stdout.write(result.yaml ?? '');
    else if (format === 'json') writeJson(this.context.stdout, result.ids);
    else writeList(this.context.stdout, 'plain', result.ids);
    return 0;
  }
}
