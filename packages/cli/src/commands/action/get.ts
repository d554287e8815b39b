import { Command, Option } from 'clipanion';
import { ClientCommand } from '../../context.js';
import { writeJson } from '../../output.js';
import { parseStructuredFormat } from '../structured-format.js';
import { renderPlain } from './plain-params.js';

/** `lucky action get [key] [--format plain|json|yaml]`: Juju's `action-get`. */
export class ActionGetCommand extends ClientCommand {
  static override paths = [['action', 'get']];
  static override usage = Command.Usage({
    category: 'Actions',
    description: "print the running action's parameters, or one of them",
    details: `
      Works in the scripts of an action (lucky.yaml \`actions:\`). Parameters come from \`juju run\` and the defaults of
      actions.yaml. A dotted key reads inside an object parameter (\`file.kind\`); a missing key prints an empty line
      (\`null\` with \`--format json\`).

      Plain output: a string as it is, other values as JSON, an object as sorted \`dotted.key=value\` lines.
      \`--format yaml\` prints Juju's YAML, \`--format json\` JSON.
    `,
    examples: [
      ['Read a parameter', 'lucky action get filename'],
      ['Read inside an object parameter', 'lucky action get file.kind'],
      ['Every parameter, as JSON', 'lucky action get --format json'],
    ],
  });

  key = Option.String({ required: false, name: 'key' });
  formatOption = Option.String('--format', 'plain', { description: 'plain, json or yaml' });

  async execute(): Promise<number> {
    const format = parseStructuredFormat(this.formatOption);
    const result = await this.call('action.get', { ...(this.key === undefined ? {} : { key: this.key }), yaml: format === 'yaml' });
    if (format === 'yaml') this.context.stdout.write(result.yaml ?? '');
    else if (format === 'json') writeJson(this.context.stdout, result.value ?? null);
    else this.context.stdout.write(renderPlain(result.value));
    return 0;
  }
}
