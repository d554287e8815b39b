import { Command, Option, UsageError } from 'clipanion';
import { ClientCommand } from '../../context.js';

/** `action-set`'s key rule: each dotted part lowercase letters, digits and inner hyphens. */
const KEY_PART = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
/** Keys Juju fills in itself (the action's output); action-set refuses them. */
const RESERVED = new Set(['stdout', 'stdout-encoding', 'stderr', 'stderr-encoding']);

/** `lucky action set key=value…`: Juju's `action-set`. */
export class ActionSetCommand extends ClientCommand {
  static override paths = [['action', 'set']];
  static override usage = Command.Usage({
    category: 'Actions',
    description: 'set results of the running action',
    details: `
      Works in the scripts of an action. Keys are lowercase letters, digits and hyphens; dots nest them
      (\`file.size=10\` gives \`file: {size: "10"}\`). Values are strings. \`stdout\`, \`stderr\`, \`stdout-encoding\` and
      \`stderr-encoding\` are Juju's own. Results are reported when the action ends, also when it fails.
    `,
    examples: [
      ['One result', 'lucky action set filename=/srv/backup.tar.gz'],
      ['Nested results', 'lucky action set file.name=backup.tar.gz file.size="$(stat -c %s backup.tar.gz)"'],
    ],
  });

  pairs = Option.Rest({ required: 1, name: 'key=value' });

  async execute(): Promise<number> {
    // Checked here with action-set's own rules and words, so a mistake is a usage error before any call.
    const values: Record<string, string> = {};
    for (const pair of this.pairs) {
      const eq = pair.indexOf('=');
      if (eq === -1) throw new UsageError(`argument "${pair}" must be of the form key...=value`);
      const key = pair.slice(0, eq);
      for (const part of key.split('.')) {
        if (!KEY_PART.test(part)) {
          throw new UsageError(`key "${part}" must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric, hyphens and periods`);
        }
        if (RESERVED.has(part)) throw new UsageError(`cannot set reserved action key "${part}"`);
      }
      // A repeated key keeps its last value, as with action-set.
      values[key] = pair.slice(eq + 1);
    }
    await this.call('action.set', { values });
    return 0;
  }
}
