import { Command, Option, UsageError } from 'clipanion';
import { parseWorkloadState } from '@lucky/core/client';
import { ClientCommand } from '../context.js';

/** `lucky set-status [-n name] <state> [message]` (CL-01); `--app` sets the application's status instead. */
export class SetStatusCommand extends ClientCommand {
  static override paths = [['set-status']];
  static override usage = Command.Usage({
    category: 'Status',
    description: 'set the status of this script (or of a named slot)',
    details: `
      Every script has its own status slot, named by \`$LUCKY_SCRIPT_ID\`; \`--name\` writes a named slot instead.
      The unit shows the most severe state of all slots (active < waiting < maintenance < blocked) and their
      messages joined with ", " in the order the slots were first set.

      \`--app\` sets the status of the whole application instead (what \`juju status\` shows in its App table). It has
      no slots: the last call wins. Only the leader may set it; on other units Juju answers "this unit is not the leader".

      A message that starts with a dash goes after \`--\`.
    `,
    examples: [
      ['Report progress', 'lucky set-status maintenance "Installing"'],
      ['Set a named slot', 'lucky set-status --name db blocked "Waiting for a database relation"'],
      ['A message that starts with a dash', 'lucky set-status blocked -- "-2 units missing"'],
      ['Set the application status (leader only)', 'lucky set-status --app active "3 units ready"'],
    ],
  });

  name = Option.String('-n,--name', { description: 'Status slot to set (default: $LUCKY_SCRIPT_ID)' });
  app = Option.Boolean('--app', false, { description: "Set the application's status (leader only) instead of a unit status slot" });
  state = Option.String({ name: 'state' });
  message = Option.Rest({ name: 'message' });

  async execute(): Promise<number> {
    const state = parseWorkloadState(this.state);
    if (!state) throw new UsageError(`Invalid status "${this.state}": expected one of active, waiting, maintenance, blocked`);
    if (this.app) {
      if (this.name !== undefined) throw new UsageError('set-status --app sets the application status, which has no slots: drop --name');
      await this.call('application.status.set', { state, message: this.message.join(' ') });
      return 0;
    }
    const name = this.name ?? this.context.env.LUCKY_SCRIPT_ID;
    if (!name) throw new UsageError('set-status needs --name <slot>, or LUCKY_SCRIPT_ID (set for every script Lucky runs)');
    await this.call('status.set', { name, state, message: this.message.join(' ') });
    return 0;
  }
}
