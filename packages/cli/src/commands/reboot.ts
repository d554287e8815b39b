import { Command, Option } from 'clipanion';
import { ClientCommand } from '../context.js';

/** `lucky reboot [--now]`: Juju's `juju-reboot`. */
export class RebootCommand extends ClientCommand {
  static override paths = [['reboot']];
  static override usage = Command.Usage({
    category: 'Machine',
    description: 'reboot the machine once this hook has finished, or at once with --now',
    details: `
      Without \`--now\` the hook carries on; when it succeeds Juju keeps its changes and reboots the machine (a failing
      hook cancels the reboot). With \`--now\` Juju stops the hook at once, drops its changes, reboots, and runs the
      same hook again: guard it so that the second run does not reboot again. Not allowed in actions.
    `,
    examples: [
      ['Reboot when this hook is done', 'lucky reboot'],
      ['Reboot now, once', '[ -e /var/lib/my-charm/kernel-updated ] || { touch /var/lib/my-charm/kernel-updated; lucky reboot --now; }'],
    ],
  });

  now = Option.Boolean('--now', false, { description: 'Stop the hook and reboot at once; the hook runs again afterwards' });

  async execute(): Promise<number> {
    await this.call('unit.reboot', { now: this.now });
    return 0;
  }
}
