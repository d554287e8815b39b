import { Command, Option } from 'clipanion';
import { ClientCommand } from '../../context.js';

/** `lucky action fail [message]`: Juju's `action-fail`. */
export class ActionFailCommand extends ClientCommand {
  static override paths = [['action', 'fail']];
  static override usage = Command.Usage({
    category: 'Actions',
    description: 'mark the running action as failed, with a message',
    details: `
      Works in the scripts of an action. The action ends \`failed\` with this message (without one, Juju's
      "action failed without reason given, check action for errors"); its scripts go on running, and results set
      with \`lucky action set\` are still reported. A script that exits non-zero fails the action too, with its
      error, unless it called \`lucky action fail\` first.
    `,
    examples: [
      ['Fail with a reason', 'lucky action fail "the database is not reachable"'],
      ['Fail and stop the script', 'lucky action fail "no backup space"; exit 0'],
    ],
  });

  message = Option.String({ required: false, name: 'message' });

  async execute(): Promise<number> {
    await this.call('action.fail', this.message === undefined ? {} : { message: this.message });
    return 0;
  }
}
