import { Command } from 'clipanion';
import { GetterCommand } from '../../context.js';
import { writeJson } from '../../output.js';

/** `lucky leader is-leader` (CL-11): prints true or false. */
export class LeaderIsLeaderCommand extends GetterCommand {
  static override paths = [['leader', 'is-leader']];
  static override usage = Command.Usage({
    category: 'Leadership',
    description: 'print true if this unit is the leader, else false',
    examples: [['Act only on the leader', 'if [ "$(lucky leader is-leader)" = true ]; then …; fi']],
  });

  async execute(): Promise<number> {
    const { leader } = await this.call('leader.is', {});
    if (this.format === 'json') writeJson(this.context.stdout, leader);
    else this.context.stdout.write(`${leader}\n`);
    return 0;
  }
}
