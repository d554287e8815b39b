import { Command, Option } from 'clipanion';
import { ClientCommand } from '../context.js';
import { writeJson } from '../output.js';
import { parseStructuredFormat } from './structured-format.js';

/** `lucky goal-state [--format plain|json|yaml]`: Juju's `goal-state`. */
export class GoalStateCommand extends ClientCommand {
  static override paths = [['goal-state']];
  static override usage = Command.Usage({
    category: 'Model',
    description: 'print the units Juju plans for this application and its relations, with their statuses',
    details: `
      \`units\` lists this application's units (\`dying\` when being removed); \`relations\` lists, per endpoint, the
      related applications (with the relation's status: \`joining\`, \`joined\`…) and their units. Peer relations are left
      out. Plain output is Juju's YAML; \`--format json\` prints the same document as JSON.
    `,
    examples: [
      ['Show it', 'lucky goal-state'],
      ['Count the planned units', 'lucky goal-state --format json | jq \'[.units[] | select(.status != "dying")] | length\''],
    ],
  });

  formatOption = Option.String('--format', 'plain', { description: "plain or yaml (Juju's YAML), or json" });

  async execute(): Promise<number> {
    const format = parseStructuredFormat(this.formatOption);
    const result = await this.call('goal-state.get', { yaml: format !== 'json' });
    if (format === 'json') writeJson(this.context.stdout, result.goalState);
    else this.context.stdout.write(result.yaml ?? '');
    return 0;
  }
}
