import { Command, Option } from 'clipanion';
import { ClientCommand } from '../../context.js';

/** `lucky action log <message>`: Juju's `action-log`. */
export class ActionLogCommand extends ClientCommand {
  static override paths = [['action', 'log']];
  static override usage = Command.Usage({
    category: 'Actions',
    description: 'report progress of the running action',
    details: 'Works in the scripts of an action. `juju run` shows each message at once, with its time; words are joined with spaces.',
    examples: [['Report progress', 'lucky action log "dumping the database"']],
  });

  words = Option.Rest({ required: 1, name: 'message' });

  async execute(): Promise<number> {
    await this.call('action.log', { message: this.words.join(' ') });
    return 0;
  }
}
