import { Command, Option, UsageError } from 'clipanion';
import { ClientCommand } from '../context.js';

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARNING', 'ERROR'] as const;
type Level = (typeof LEVELS)[number];

/** `lucky log [--level LEVEL] <message>`: Juju's `juju-log`. */
export class LogCommand extends ClientCommand {
  static override paths = [['log']];
  static override usage = Command.Usage({
    category: 'Logging',
    description: "write a message to the unit's Juju log (`juju debug-log`)",
    details: 'The words of the message are joined with spaces. Levels: TRACE, DEBUG, INFO (default), WARNING, ERROR, in any case.',
    examples: [
      ['Log a line', 'lucky log "Configuration written"'],
      ['Log a warning', 'lucky log --level WARNING "Disk almost full"'],
    ],
  });

  level = Option.String('-l,--level', 'INFO', { description: 'TRACE, DEBUG, INFO, WARNING or ERROR' });
  message = Option.Rest({ required: 1, name: 'message' });

  async execute(): Promise<number> {
    const upper = this.level.toUpperCase();
    const level = (upper === 'WARN' ? 'WARNING' : upper) as Level;
    if (!LEVELS.includes(level)) throw new UsageError(`Invalid --level "${this.level}": expected one of ${LEVELS.join(', ')}`);
    await this.call('log.write', { level, message: this.message.join(' ') });
    return 0;
  }
}
